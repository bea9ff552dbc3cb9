using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using Appliance.Host.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Host.Tests;

/// <summary>Retention: delivered old events go; an event still owed to a subscriber never does.</summary>
public sealed class OutboxPruneTests
{
    [Fact]
    public async Task Only_delivered_events_older_than_the_retention_are_pruned()
    {
        var db = new Database(Path.Combine(Directory.CreateTempSubdirectory("appl-prune-").FullName, "a.db"));
        db.Migrate();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var bus = new OutboxEventBus(db, NullLogger<OutboxEventBus>.Instance, clock);
        var seen = new List<long>();
        var delivered = new TaskCompletionSource();
        await using (bus.Subscribe("test/slow", [], (e, _) =>
        {
            if (e.Data.GetProperty("n").GetInt32() == 3) throw new InvalidOperationException("subscriber is down");
            seen.Add(e.Sequence);
            if (seen.Count == 2) delivered.TrySetResult();
            return Task.CompletedTask;
        }))
        {
            for (var n = 1; n <= 3; n++)
                bus.Append("test", "ProbeEvent", EventCategory.Alarm, JsonSerializer.SerializeToElement(new { n }));
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }

        clock.Advance(TimeSpan.FromDays(40));
        var removed = bus.Prune(clock.GetUtcNow().AddDays(-30));

        Assert.Equal(2, removed);
        var left = Assert.Single(bus.Recent(10));
        Assert.Equal(3, left.Data.GetProperty("n").GetInt32());
        Assert.Equal(0, bus.Prune(clock.GetUtcNow().AddDays(-30)));
        Assert.Equal(1, bus.RemoveSubscriptions("test/"));
        Assert.Equal(1, bus.Prune(clock.GetUtcNow().AddDays(-30)));
        Assert.Empty(bus.Recent(10));
    }
}
