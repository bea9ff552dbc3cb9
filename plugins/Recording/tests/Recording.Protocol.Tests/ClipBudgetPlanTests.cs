using Appliance.Plugins.Recording.Protocol.Storage;
using Xunit;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Which finished clips go for a new one: the oldest unpinned first, just enough; a clip larger than the
/// budget, or one that cannot fit beside the pinned (upload owed) clips, is refused with <c>over-budget</c>.</summary>
public sealed class ClipBudgetPlanTests
{
    private static readonly StoredClip[] Five =
    [
        new("c", 300, 100), new("a", 100, 100), new("b", 200, 100), new("e", 500, 100), new("d", 400, 100),
    ];

    [Fact]
    public void The_oldest_clips_go_first_and_no_more_than_needed()
    {
        var plan = ClipBudgetPlan.Decide(Five, new StoredClip("new", 600, 250), 600);
        Assert.True(plan.IsOk);
        Assert.Equal(["a", "b"], plan.Value.Select(c => c.Id)); // 750 -> 650 -> 550, within 600: c stays

        var fits = ClipBudgetPlan.Decide(Five, new StoredClip("new", 600, 100), 600);
        Assert.Empty(fits.Value);
        var exact = ClipBudgetPlan.Decide(Five, new StoredClip("new", 600, 600), 600);
        Assert.Equal(5, exact.Value.Count); // a clip the size of the budget takes all the room
    }

    [Fact]
    public void Pinned_clips_count_but_stay_and_the_new_clip_is_refused_when_they_leave_no_room()
    {
        StoredClip[] clips = [new("a", 100, 300, Pinned: true), new("b", 200, 100), new("c", 300, 100)];
        var plan = ClipBudgetPlan.Decide(clips, new StoredClip("new", 400, 150), 500);
        Assert.Equal(["b", "c"], plan.Value.Select(c => c.Id));

        var refused = ClipBudgetPlan.Decide(clips, new StoredClip("new", 400, 250), 500);
        Assert.False(refused.IsOk);
        Assert.Equal(ClipBudgetPlan.OverBudget, refused.Failure!.Code);
        Assert.Contains("still owed hold 300 bytes", refused.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clip_larger_than_the_whole_budget_is_refused_and_deletes_nothing()
    {
        var refused = ClipBudgetPlan.Decide(Five, new StoredClip("huge", 600, 601), 600);
        Assert.Equal(ClipBudgetPlan.OverBudget, refused.Failure!.Code);
        Assert.Contains("601 bytes, more than the whole clip budget (600 bytes", refused.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_budget_odd_sizes_and_the_new_clip_listed_among_the_others_are_handled()
    {
        Assert.Empty(ClipBudgetPlan.Decide(Five, new StoredClip("new", 600, long.MaxValue), 0).Value);
        Assert.Empty(ClipBudgetPlan.Decide(Five, new StoredClip("new", 600, 10), -5).Value);
        // Negative sizes (a file gone between listing and sizing) count as nothing; the new clip itself never goes.
        StoredClip[] odd = [new("gone", 1, -40), new("new", 2, 90), new("old", 0, 50)];
        var plan = ClipBudgetPlan.Decide(odd, new StoredClip("new", 2, 90), 100);
        Assert.Equal(["old"], plan.Value.Select(c => c.Id));
        Assert.Throws<ArgumentNullException>(() => ClipBudgetPlan.Decide(null!, new StoredClip("x", 0, 0), 1));
    }
}
