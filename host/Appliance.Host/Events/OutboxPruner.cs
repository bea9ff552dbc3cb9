using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Events;

/// <summary>
/// Keeps the outbox bounded. Every five minutes, the budget (<c>outboxMaxEvents</c>): over it, the oldest events
/// go, least important first, and each drop is counted, logged, published as <c>OutboxEventsDropped</c> and shown
/// in the health component <c>outbox</c>. Every hour, delivered events older than the retention go.
/// </summary>
public sealed class OutboxPruner(OutboxEventBus bus, OutboxBudget budget, HealthRegistry health, IOptions<ApplianceOptions> options, TimeProvider time, ILogger<OutboxPruner> log)
    : BackgroundService
{
    public const string DroppedEventType = "OutboxEventsDropped";
    private static readonly TimeSpan BudgetEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(BudgetEvery, time);
        var lastPrune = DateTimeOffset.MinValue;
        try
        {
            do
            {
                EnforceBudget();
                if (time.GetUtcNow() - lastPrune >= TimeSpan.FromHours(1))
                {
                    lastPrune = time.GetUtcNow();
                    var removed = bus.Prune(time.GetUtcNow() - TimeSpan.FromDays(options.Value.EventRetentionDays));
                    if (removed > 0) log.LogInformation("Pruned {Count} delivered events older than {Days} days", removed, options.Value.EventRetentionDays);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One budget check (also called by tests).</summary>
    public OutboxDrops EnforceBudget()
    {
        var max = options.Value.OutboxMaxEvents;
        var drops = budget.Enforce(max);
        if (drops.Dropped == 0)
        {
            health.Report(HealthOwner, "outbox", HealthState.Healthy, $"within its budget of {max} events");
            return drops;
        }
        var detail = string.Join(", ", drops.ByCategory.Select(c => $"{c.Value} {c.Key}"));
        log.LogWarning("The outbox was over its budget of {Max} events: dropped {Dropped} ({Detail}), {Owed} of them not yet delivered to a subscriber",
            max, drops.Dropped, detail, drops.Owed);
        health.Report(HealthOwner, "outbox", HealthState.Degraded,
            $"over its budget of {max} events: dropped the oldest {drops.Dropped} ({detail}), {drops.Owed} not yet delivered");
        bus.Append("appliance.host", DroppedEventType, EventCategory.System,
            JsonSerializer.SerializeToElement(new { dropped = drops.Dropped, owed = drops.Owed, byCategory = drops.ByCategory, maxEvents = max }));
        return drops;
    }

    private const string HealthOwner = "host";
}
