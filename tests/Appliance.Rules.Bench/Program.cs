using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Core.Rules;
using Appliance.Plugins.Milestone.Protocol;
using Appliance.Plugins.Webhooks.Protocol;

// Three figures of issue 19, each as one "bench:" line.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

static void Print(string name, double value, string unit, string target, bool met) =>
    Console.WriteLine($"bench: {name} {value:0.###} {unit} ratio - target {target} {(met ? "met" : "NOT met")}");

// 1. Rule evaluation throughput: 10 and 100 rules (filters, schedules, debounce, cooldown) against a stream of events.
var catalog = RulesFacade.Catalog([]);
var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
var events = Enumerable.Range(0, 20_000).Select(i =>
{
    var at = start.AddMilliseconds(i * 37);
    return i % 2 == 0
        ? RulesFacade.Event($"e{i}", "MotionDetected", $"cam{i % 8}", "door", null, true, at, at.DateTime)
        : RulesFacade.Event($"e{i}", "DigitalInputChanged", null, null, $"io/in{i % 4}", true, at, at.DateTime);
}).ToList();
var sw = new Stopwatch();
foreach (var count in new[] { 10, 100 })
{
    var rules = Enumerable.Range(0, count).Select(i => RulesFacade.Check(catalog, [], $$"""
        { "id": "r{{i}}", "name": "Rule {{i}}",
          "trigger": { "events": ["MotionDetected", "DigitalInputChanged"], "cameras": [], "inputs": [],
                       "schedule": [ { "from": "00:00", "to": "24:00" } ], "debounceMs": {{i % 3 * 100}}, "cooldownMs": {{i % 5 * 1000}} },
          "actions": [ { "type": "webhook", "target": "default" } ] }
        """).Valid).ToList();
    var ruleList = RulesFacade.RuleSet(rules);
    var state = RulesFacade.EmptyState;
    foreach (var e in events.Take(2000)) state = RulesFacade.Evaluate(ruleList, state, e).Item2; // warm-up
    state = RulesFacade.EmptyState;
    sw.Restart();
    foreach (var e in events) state = RulesFacade.Evaluate(ruleList, state, e).Item2;
    var perSecond = events.Count / sw.Elapsed.TotalSeconds;
    Print($"rule-evaluation-{count}-rules", perSecond, "events/s", "> 10000 events/s", perSecond > 10_000);
}

// 2. Event to VMS: an analytics event over TCP to a loopback listener that reads it and closes (what XProtect's
//    event server does per connection). Latency from send to the server's close, per event.
using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var port = ((IPEndPoint)listener.LocalEndpoint).Port;
using var stop = new CancellationTokenSource();
var server = Task.Run(async () =>
{
    var buffer = new byte[8192];
    try
    {
        while (true)
        {
            using var client = await listener.AcceptTcpClientAsync(stop.Token);
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer, stop.Token) > 0) { }
        }
    }
    catch (OperationCanceledException) { }
});
var vms = new EventServerClient();
var latencies = new List<double>();
for (var i = 0; i < 1200; i++)
{
    var evt = new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "MotionDetected", "Motion", "lobby");
    var t = Stopwatch.GetTimestamp();
    var result = await vms.SendAnalyticsAsync("127.0.0.1", port, evt, TimeSpan.FromSeconds(10), default);
    if (!result.IsOk) throw new InvalidOperationException(result.Failure!.ToString());
    if (i >= 200) latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
}
latencies.Sort();
double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
Print("event-to-vms-p50", Percentile(0.50), "ms", "-", true);
Print("event-to-vms-p99", Percentile(0.99), "ms", "< 10 ms", Percentile(0.99) < 10);
stop.Cancel();
listener.Stop();
await server;

// 3. Signed webhook deliveries per second: HMAC-SHA256 signing + HTTP POST to a loopback receiver answering 204.
using var http = new HttpListener();
var hookPort = ((Func<int>)(() => { using var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); return ((IPEndPoint)l.LocalEndpoint).Port; }))();
http.Prefixes.Add($"http://127.0.0.1:{hookPort}/");
http.Start();
using var stopHooks = new CancellationTokenSource();
var receiver = Task.Run(async () =>
{
    try
    {
        while (!stopHooks.IsCancellationRequested)
        {
            var ctx = await http.GetContextAsync();
            await ctx.Request.InputStream.CopyToAsync(Stream.Null);
            ctx.Response.StatusCode = 204;
            ctx.Response.Close();
        }
    }
    catch (Exception) when (stopHooks.IsCancellationRequested) { }
    catch (HttpListenerException) { }
});
using var hc = new HttpClient();
var hooks = new WebhookClient(hc, TimeProvider.System);
var target = new WebhookTarget("bench", new Uri($"http://127.0.0.1:{hookPort}/hooks"), WebhookSecret.Parse(WebhookSecret.Generate()).Value, TimeSpan.FromSeconds(10));
var body = """{"type":"rule.fired","data":{"ruleId":"r1","cameraId":"lobby"}}""";
for (var i = 0; i < 200; i++) await hooks.SendAsync(target, new WebhookMessage($"msg_w{i}", body), default);
sw.Restart();
const int Deliveries = 2000;
for (var i = 0; i < Deliveries; i++)
{
    var r = await hooks.SendAsync(target, new WebhookMessage($"msg_{i}", body), default);
    if (!r.IsOk) throw new InvalidOperationException(r.Failure!.ToString());
}
Print("webhook-deliveries-signed", Deliveries / sw.Elapsed.TotalSeconds, "deliveries/s", "-", true);
stopHooks.Cancel();
http.Stop();
