using Appliance.Abstractions.Events;
using Appliance.Core.Rules;
using Appliance.Host.Events;

namespace Appliance.Host.Rules;

/// <summary>
/// The host's durable subscriber that runs the rules: every event is evaluated by the F# core, and each action of
/// a rule that fired is published as a <see cref="RuleActionRequested"/> event, which the integration plugin for
/// its kind consumes through its own durable subscription. The debounce and cooldown memory lives here, in memory
/// (a restart forgets it: at worst one extra firing after a restart).
/// </summary>
public sealed class RuleRunner(OutboxEventBus bus, RuleStore store, EventSnapshotWait snapshots, ILogger<RuleRunner> log) : IHostedService
{
    public const string SubscriptionName = "appliance.host/rules";
    public const string Source = "appliance.rules";

    private IAsyncDisposable? _subscription;
    private EngineState _state = RulesFacade.EmptyState;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Changed += OnRulesChanged;
        _subscription = bus.Subscribe(SubscriptionName, [], HandleAsync);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Changed -= OnRulesChanged;
        if (_subscription is not null) await _subscription.DisposeAsync();
    }

    private void OnRulesChanged() => Interlocked.Exchange(ref _state, RulesFacade.Retain(store.Rules, Volatile.Read(ref _state)));

    private async Task HandleAsync(EventEnvelope envelope, CancellationToken ct)
    {
        var rules = store.Rules;
        if (rules.IsEmpty) return;
        var e = RuleEventFacts.From(envelope, TimeZoneInfo.Local);
        var (decisions, next) = RulesFacade.Evaluate(rules, Volatile.Read(ref _state), e);
        string? snapshot = null;
        var snapshotLooked = false;
        foreach (var decision in decisions)
        {
            if (decision.Decision != "fired")
            {
                log.LogDebug("Rule {Rule} matched event {Event} but did not fire: {Decision}", decision.RuleId, envelope.Sequence, decision.Decision);
                continue;
            }
            if (!snapshotLooked)
            {
                snapshot = await snapshots.PathOfAsync(envelope, ct).ConfigureAwait(false);
                snapshotLooked = true;
            }
            foreach (var action in decision.Actions)
            {
                var parameters = snapshot is null || action.Parameters.ContainsKey("snapshotPath")
                    ? action.Parameters
                    : new Dictionary<string, string>(action.Parameters) { ["snapshotPath"] = snapshot };
                bus.Publish(Source, new RuleActionRequested(
                    decision.RuleId, decision.RuleName, action.Index, action.Kind, action.Target, parameters,
                    action.Recipients, envelope.Id, envelope.Type, envelope.OccurredAt,
                    RulesFacade.Camera(e), RulesFacade.Input(e), RulesFacade.Region(e)));
            }
            log.LogInformation("Rule {Rule} fired on {Type} #{Sequence}: {Count} action(s) requested",
                decision.RuleId, envelope.Type, envelope.Sequence, decision.Actions.Length);
        }
        Volatile.Write(ref _state, next);
    }
}
