using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using Appliance.Host.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Host.Tests;

/// <summary>
/// A batch subscriber (the cloud link's pipelined publishes) gets runs of events in order; the cursor moves past
/// exactly the part of a run it reports delivered, and the rest comes again: nothing skipped, nothing lost.
/// </summary>
public sealed class OutboxBatchSubscriptionTests
{
    [Fact]
    public async Task A_partly_delivered_run_moves_the_cursor_past_the_delivered_part_and_hands_the_rest_over_again()
    {
        var db = new Database(Path.Combine(Directory.CreateTempSubdirectory("appl-batch-").FullName, "a.db"));
        db.Migrate();
        await using var bus = new OutboxEventBus(db, NullLogger<OutboxEventBus>.Instance, TimeProvider.System);
        var runs = new List<int[]>();
        var accepted = new List<int>();
        var all = new TaskCompletionSource();
        var failuresLeft = 2;
        // Created first (a new subscription starts at the end of the log), detached while the ten events are written.
        await bus.SubscribeBatch("test/batch", [], maxBatch: 4, (batch, _) => Task.FromResult(0)).DisposeAsync();
        for (var n = 1; n <= 10; n++)
            bus.Append("test", "ProbeEvent", EventCategory.System, JsonSerializer.SerializeToElement(new { n }));

        await using (bus.SubscribeBatch("test/batch", [], maxBatch: 4, (batch, _) =>
        {
            var numbers = batch.Select(e => e.Data.GetProperty("n").GetInt32()).ToArray();
            lock (runs) runs.Add(numbers);
            // The first run: only two of four taken; the next: the broker takes none (throws).
            if (failuresLeft == 2 && numbers[0] == 1)
            {
                failuresLeft--;
                accepted.AddRange(numbers[..2]);
                return Task.FromResult(2);
            }
            if (failuresLeft == 1)
            {
                failuresLeft--;
                throw new InvalidOperationException("broker away");
            }
            accepted.AddRange(numbers);
            if (accepted.Count == 10) all.TrySetResult();
            return Task.FromResult(numbers.Length);
        }))
        {
            await all.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(Enumerable.Range(1, 10), accepted);
        Assert.Equal([1, 2, 3, 4], runs[0]);
        Assert.Equal([3, 4, 5, 6], runs[1]); // handed over again from the first event not taken
        Assert.Equal([3, 4, 5, 6], runs[2]);
        Assert.All(runs, r => Assert.True(r.Length <= 4));
        var status = Assert.Single(bus.Subscriptions(), s => s.Name == "test/batch");
        Assert.Equal(10, status.Delivered);
        Assert.Equal(2, status.Failures);
        Assert.Equal(bus.Recent(1).Single().Sequence, status.Cursor);
    }
}
