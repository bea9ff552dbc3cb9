using Appliance.Plugins.Media.Protocol.Snapshots;
using Xunit;

namespace Appliance.Plugins.Media.Protocol.Tests;

/// <summary>Event snapshots and day/night reference images each within their own budget (issue 20 item 4).</summary>
public sealed class SnapshotBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static StoredSnapshot Event(string id, long bytes, int minute) => new($"event-{id}", SnapshotKind.Event, bytes, T0.AddMinutes(minute));

    private static StoredSnapshot Reference(string id, long bytes, int minute) => new($"reference-{id}", SnapshotKind.Reference, bytes, T0.AddMinutes(minute));

    [Fact]
    public void A_burst_of_alarms_does_not_push_out_the_reference_images()
    {
        var stored = new List<StoredSnapshot> { Reference("day", 300, 0), Reference("night", 300, 1) };
        for (var i = 0; i < 50; i++) stored.Add(Event($"alarm{i:D2}", 100, 10 + i));
        var delete = SnapshotRetention.ToDelete(stored, new SnapshotBudgets(EventBytes: 1000, ReferenceBytes: 600));
        // The 40 oldest alarms go, the 10 newest fit the event budget; both references fit theirs.
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"event-alarm{i:D2}"), delete.Select(s => s.Id));
    }

    [Fact]
    public void References_go_oldest_first_within_their_own_budget_and_leave_events_alone()
    {
        var stored = new[]
        {
            Reference("b-night", 400, 5), Reference("a-day", 400, 1), Reference("c-day", 400, 9),
            Event("old", 5000, 0),
        };
        var delete = SnapshotRetention.ToDelete(stored, new SnapshotBudgets(EventBytes: 5000, ReferenceBytes: 900));
        Assert.Equal(["reference-a-day"], delete.Select(s => s.Id));
        // The same answer whatever the order of the listing.
        Assert.Equal(delete, SnapshotRetention.ToDelete(stored.Reverse(), new SnapshotBudgets(5000, 900)));
    }

    [Fact]
    public void An_image_larger_than_its_whole_budget_is_not_kept()
    {
        var stored = new[] { Reference("huge", 2000, 0), Event("small", 10, 0) };
        Assert.Equal(["reference-huge"], SnapshotRetention.ToDelete(stored, new SnapshotBudgets(100, 1000)).Select(s => s.Id));
    }

    [Fact]
    public void Nothing_stored_deletes_nothing_and_a_hostile_negative_size_counts_as_zero()
    {
        Assert.Empty(SnapshotRetention.ToDelete([], new SnapshotBudgets(1, 1)));
        var stored = new[] { Event("negative", -1_000_000, 0), Event("real", 600, 1) };
        Assert.Empty(SnapshotRetention.ToDelete(stored, new SnapshotBudgets(600, 1)));
    }

    [Fact]
    public void Budgets_are_read_in_megabytes()
    {
        var budgets = SnapshotBudgets.FromMegabytes(256, 32).Value;
        Assert.Equal(256L * 1024 * 1024, budgets.EventBytes);
        Assert.Equal(32L * 1024 * 1024, budgets.For(SnapshotKind.Reference));
        Assert.Equal(256L * 1024 * 1024, budgets.For(SnapshotKind.Event));
        // The largest allowed does not overflow.
        Assert.Equal(SnapshotBudgets.MaxMegabytes * 1024 * 1024, SnapshotBudgets.FromMegabytes(SnapshotBudgets.MaxMegabytes, 1).Value.EventBytes);
    }

    [Theory]
    [InlineData(0, 32, "snapshot.budgetMegabytes: 0 is outside")]
    [InlineData(256, 0, "reference.budgetMegabytes: 0 is outside")]
    [InlineData(-5, 32, "snapshot.budgetMegabytes: -5 is outside")]
    [InlineData(256, -1, "reference.budgetMegabytes: -1 is outside")]
    [InlineData(1048577, 32, "snapshot.budgetMegabytes: 1048577 is outside")]
    [InlineData(256, long.MaxValue, "reference.budgetMegabytes: 9223372036854775807 is outside")]
    [InlineData(long.MinValue, 32, "snapshot.budgetMegabytes: -9223372036854775808 is outside")]
    public void Bad_budgets_are_refused_with_the_key(long events, long references, string fragment)
    {
        var result = SnapshotBudgets.FromMegabytes(events, references);
        Assert.False(result.IsOk);
        Assert.Equal("invalid-budget", result.Failure!.Code);
        Assert.Contains(fragment, result.Failure.Message);
    }

    [Fact]
    public void Both_bad_budgets_are_named_at_once()
    {
        var result = SnapshotBudgets.FromMegabytes(0, -3);
        Assert.Contains("snapshot.budgetMegabytes", result.Failure!.Message);
        Assert.Contains("reference.budgetMegabytes", result.Failure.Message);
    }
}
