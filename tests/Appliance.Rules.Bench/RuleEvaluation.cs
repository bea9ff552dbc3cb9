using System.Diagnostics;
using Appliance.Benchmarking;
using Appliance.Core.Rules;

namespace Appliance.Rules.Bench;

/// <summary>Rule evaluation throughput in the pure core: 10 and 100 rules (filters, schedules, debounce, cooldown)
/// against a stream of motion and digital-input events (target > 10,000 events/s). No external reference exists.</summary>
internal static class RuleEvaluation
{
    public static void Run(BenchReport report)
    {
        var catalog = RulesFacade.Catalog([]);
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, report.Smoke ? 2_000 : 20_000).Select(i =>
        {
            var at = start.AddMilliseconds(i * 37);
            return i % 2 == 0
                ? RulesFacade.Event($"e{i}", "MotionDetected", $"cam{i % 8}", "door", null, true, at, at.DateTime)
                : RulesFacade.Event($"e{i}", "DigitalInputChanged", null, null, $"io/in{i % 4}", true, at, at.DateTime);
        }).ToList();
        foreach (var count in new[] { 10, 100 })
        {
            var rules = Enumerable.Range(0, count).Select(i => RulesFacade.Check(catalog, [], $$"""
                { "id": "r{{i}}", "name": "Rule {{i}}",
                  "trigger": { "events": ["MotionDetected", "DigitalInputChanged"], "cameras": [], "inputs": [],
                               "schedule": [ { "from": "00:00", "to": "24:00" } ], "debounceMs": {{i % 3 * 100}}, "cooldownMs": {{i % 5 * 1000}} },
                  "actions": [ { "type": "webhook", "target": "default" } ] }
                """).Valid).ToList();
            var ruleSet = RulesFacade.RuleSet(rules);
            var state = RulesFacade.EmptyState;
            foreach (var e in events.Take(1000)) state = RulesFacade.Evaluate(ruleSet, state, e).Item2; // warm-up
            state = RulesFacade.EmptyState;
            var clock = Stopwatch.StartNew();
            foreach (var e in events) state = RulesFacade.Evaluate(ruleSet, state, e).Item2;
            report.Add(new BenchFigure($"rule-evaluation-{count}-rules", events.Count / clock.Elapsed.TotalSeconds, "events/s", null, 10_000, Better.Higher));
        }
    }
}
