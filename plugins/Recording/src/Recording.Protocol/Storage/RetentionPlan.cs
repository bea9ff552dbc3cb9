namespace Appliance.Plugins.Recording.Protocol.Storage;

/// <summary>A closed segment as retention sees it: which camera, when it began (arrival time, Unix microseconds), how big.</summary>
public sealed record StoredSegment(long Id, string Camera, long StartUs, long Bytes);

/// <summary>The limits: age, bytes per camera, bytes in total (0 or less: no limit of that kind).</summary>
public sealed record RetentionLimits(TimeSpan MaxAge, long CameraBudgetBytes, long TotalBudgetBytes);

/// <summary>Why a segment is to go.</summary>
public enum RetentionReason { Age, CameraBudget, TotalBudget }

/// <summary>
/// Which closed segments to delete, oldest first: those older than the age limit, then the oldest of each camera over
/// its budget, then the oldest of all while the total is over its budget. <paramref name="openBytes"/> (segments being
/// written, per camera) count against the budgets but are never chosen. Pure and total.
/// </summary>
public static class RetentionPlan
{
    public static IReadOnlyList<(StoredSegment Segment, RetentionReason Reason)> Decide(
        IReadOnlyCollection<StoredSegment> segments, IReadOnlyDictionary<string, long> openBytes, RetentionLimits limits, long nowUs)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(openBytes);
        ArgumentNullException.ThrowIfNull(limits);
        var doomed = new List<(StoredSegment, RetentionReason)>();
        var kept = segments.OrderBy(s => s.StartUs).ThenBy(s => s.Id).ToList();
        if (limits.MaxAge > TimeSpan.Zero)
        {
            var oldest = nowUs - (long)(limits.MaxAge.TotalMilliseconds * 1000);
            foreach (var s in kept.Where(s => s.StartUs < oldest)) doomed.Add((s, RetentionReason.Age));
            kept.RemoveAll(s => s.StartUs < oldest);
        }
        if (limits.CameraBudgetBytes > 0)
        {
            foreach (var camera in kept.Select(s => s.Camera).Distinct().ToList())
            {
                var used = kept.Where(s => s.Camera == camera).Sum(s => s.Bytes) + openBytes.GetValueOrDefault(camera);
                foreach (var s in kept.Where(s => s.Camera == camera).ToList())
                {
                    if (used <= limits.CameraBudgetBytes) break;
                    doomed.Add((s, RetentionReason.CameraBudget));
                    kept.Remove(s);
                    used -= s.Bytes;
                }
            }
        }
        if (limits.TotalBudgetBytes > 0)
        {
            var used = kept.Sum(s => s.Bytes) + openBytes.Values.Sum();
            while (used > limits.TotalBudgetBytes && kept.Count > 0)
            {
                doomed.Add((kept[0], RetentionReason.TotalBudget));
                used -= kept[0].Bytes;
                kept.RemoveAt(0);
            }
        }
        return doomed;
    }
}
