using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Host.Tests;

/// <summary>The outbox's budget: a subscriber away for long (the cloud link in an outage) cannot fill the disk;
/// the oldest, least important events go first, and every drop is counted and reported.</summary>
public sealed class OutboxBudgetTests
{
    private static (Database Db, OutboxEventBus Bus) NewBus(TimeProvider clock)
    {
        var db = new Database(Path.Combine(Directory.CreateTempSubdirectory("appl-budget-").FullName, "a.db"));
        db.Migrate();
        return (db, new OutboxEventBus(db, NullLogger<OutboxEventBus>.Instance, clock));
    }

    [Fact]
    public async Task Over_the_budget_the_oldest_least_important_events_go_first_and_are_reported()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var (db, bus) = NewBus(clock);
        await using var _ = bus;
        // A subscriber that is away: it has received nothing, so every event is owed to it.
        await (bus.Subscribe("cloud", [], (_, _) => throw new IOException("broker away"))).DisposeAsync();
        for (var n = 0; n < 6; n++) bus.Append("test", "AlarmRaised", EventCategory.Alarm, JsonSerializer.SerializeToElement(new { n }));
        for (var n = 0; n < 6; n++) bus.Append("test", "HealthTick", EventCategory.System, JsonSerializer.SerializeToElement(new { n }));
        for (var n = 0; n < 6; n++) bus.Append("test", "MotionDetected", EventCategory.Analytics, JsonSerializer.SerializeToElement(new { n }));

        var health = new HealthRegistry(clock);
        var options = Microsoft.Extensions.Options.Options.Create(new ApplianceOptions { OutboxMaxEvents = 8 });
        var pruner = new OutboxPruner(bus, new OutboxBudget(db), health, options, clock, NullLogger<OutboxPruner>.Instance);
        var drops = pruner.EnforceBudget();

        // 18 events, budget 8: all 6 system events, then the 4 oldest analytics; no alarm.
        Assert.Equal(10, drops.Dropped);
        Assert.Equal(10, drops.Owed);
        Assert.Equal(new Dictionary<string, int> { ["System"] = 6, ["Analytics"] = 4 }, drops.ByCategory);
        var left = bus.Recent(100).Where(e => e.Type != OutboxPruner.DroppedEventType).ToList();
        Assert.Equal(6, left.Count(e => e.Type == "AlarmRaised"));
        Assert.Equal([4, 5], left.Where(e => e.Type == "MotionDetected").Select(e => e.Data.GetProperty("n").GetInt32()).Order());
        // Reported: an event on the bus and the health component.
        var report = Assert.Single(bus.Recent(100, type: OutboxPruner.DroppedEventType));
        Assert.Equal(10, report.Data.GetProperty("dropped").GetInt32());
        var component = Assert.Single(health.All(), h => h.Report.Component == "outbox");
        Assert.Contains("dropped the oldest 10", component.Report.Message);

        // Within the budget (the report itself counts): nothing more goes, health is back.
        options.Value.OutboxMaxEvents = 100;
        Assert.Equal(0, pruner.EnforceBudget().Dropped);
        Assert.Contains("within its budget", Assert.Single(health.All(), h => h.Report.Component == "outbox").Report.Message);
    }

    [Fact]
    public async Task A_removed_subscription_no_longer_holds_events_back_from_pruning()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var (_, bus) = NewBus(clock);
        await using var _ = bus;
        await (bus.Subscribe("cloud", [], (_, _) => throw new IOException("never delivered"))).DisposeAsync();
        bus.Append("test", "HealthTick", EventCategory.System, JsonSerializer.SerializeToElement(new { n = 1 }));
        clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(0, bus.Prune(clock.GetUtcNow().AddDays(-30)));

        Assert.True(bus.RemoveSubscription("cloud"));
        Assert.False(bus.RemoveSubscription("cloud"));
        Assert.Equal(1, bus.Prune(clock.GetUtcNow().AddDays(-30)));
    }
}
