using Appliance.Plugins.Recording.Protocol.Storage;
using Xunit;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Which segments retention deletes: age first, then per-camera budgets, then the total, always oldest first.</summary>
public sealed class RetentionPlanTests
{
    private const long Second = 1_000_000;
    private static readonly Dictionary<string, long> NoneOpen = new();

    private static List<StoredSegment> TenEach() =>
        Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            new StoredSegment(i * 2, "a", i * 10 * Second, 100),
            new StoredSegment(i * 2 + 1, "b", i * 10 * Second + 5 * Second, 300),
        }).ToList();

    [Fact]
    public void Age_limit_deletes_exactly_the_segments_that_began_before_it()
    {
        var plan = RetentionPlan.Decide(TenEach(), NoneOpen, new RetentionLimits(TimeSpan.FromSeconds(42), 0, 0), 100 * Second);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], plan.Select(p => p.Segment.Id).Order().ToArray()); // started before 58 s
        Assert.All(plan, p => Assert.Equal(RetentionReason.Age, p.Reason));
    }

    [Fact]
    public void A_camera_over_its_budget_loses_its_oldest_segments_and_the_open_segment_counts()
    {
        var plan = RetentionPlan.Decide(TenEach(), new Dictionary<string, long> { ["a"] = 250 }, new RetentionLimits(TimeSpan.Zero, 1000, 0), 100 * Second);
        // a: 1000 closed + 250 open -> 3 oldest go (750 + 250 = 1000); b: 3000 -> 7 oldest go (900 left).
        Assert.Equal([0, 2, 4], plan.Where(p => p.Segment.Camera == "a").Select(p => p.Segment.Id).ToArray());
        Assert.Equal([1, 3, 5, 7, 9, 11, 13], plan.Where(p => p.Segment.Camera == "b").Select(p => p.Segment.Id).ToArray());
        Assert.All(plan, p => Assert.Equal(RetentionReason.CameraBudget, p.Reason));
    }

    [Fact]
    public void The_total_budget_takes_the_oldest_of_all_cameras_and_a_budget_below_one_segment_keeps_nothing_closed()
    {
        var plan = RetentionPlan.Decide(TenEach(), NoneOpen, new RetentionLimits(TimeSpan.Zero, 0, 2000), 100 * Second);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), plan.Select(p => p.Segment.Id).ToArray());
        Assert.True(TenEach().Sum(s => s.Bytes) - plan.Sum(p => p.Segment.Bytes) <= 2000);

        var starved = RetentionPlan.Decide(TenEach(), new Dictionary<string, long> { ["a"] = 50 }, new RetentionLimits(TimeSpan.Zero, 10, 0), 100 * Second);
        Assert.Equal(20, starved.Count);
        Assert.Empty(RetentionPlan.Decide([], NoneOpen, new RetentionLimits(TimeSpan.FromHours(1), 1, 1), 0));
    }

    [Fact]
    public void Random_stores_end_within_every_budget_and_only_the_oldest_go()
    {
        var random = new Random(3);
        for (var run = 0; run < 500; run++)
        {
            var segments = Enumerable.Range(0, random.Next(0, 40))
                .Select(i => new StoredSegment(i, "c" + random.Next(3), random.NextInt64(0, 1000) * Second, random.Next(1, 500))).ToList();
            var open = new Dictionary<string, long> { ["c0"] = random.Next(0, 300) };
            var limits = new RetentionLimits(TimeSpan.FromSeconds(random.Next(0, 1000)), random.Next(0, 3000), random.Next(0, 6000));
            var now = 1000 * Second;
            var doomed = RetentionPlan.Decide(segments, open, limits, now).Select(p => p.Segment).ToHashSet();
            var kept = segments.Where(s => !doomed.Contains(s)).ToList();
            if (limits.MaxAge > TimeSpan.Zero) Assert.All(kept, s => Assert.True(s.StartUs >= now - (long)limits.MaxAge.TotalSeconds * Second));
            if (limits.TotalBudgetBytes > 0) Assert.True(kept.Sum(s => s.Bytes) + open.Values.Sum() <= limits.TotalBudgetBytes || kept.Count == 0);
            foreach (var camera in kept.Select(s => s.Camera).Distinct())
            {
                var mine = kept.Where(s => s.Camera == camera).ToList();
                if (limits.CameraBudgetBytes > 0) Assert.True(mine.Sum(s => s.Bytes) + open.GetValueOrDefault(camera) <= limits.CameraBudgetBytes);
                // Nothing of a camera is deleted while an older one of it is kept.
                Assert.All(doomed.Where(d => d.Camera == camera), d => Assert.True(mine.All(k => k.StartUs >= d.StartUs)));
            }
        }
    }
}
