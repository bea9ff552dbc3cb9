namespace Appliance.Plugins.Media.Protocol.Snapshots;

/// <summary>Why a snapshot was kept.</summary>
public enum SnapshotKind { Event, Reference }

/// <summary>A JPEG on disk: its id, kind, size and when it was taken.</summary>
public sealed record StoredSnapshot(string Id, SnapshotKind Kind, long Bytes, DateTimeOffset TakenAt);

/// <summary>
/// The disk budget of kept snapshots as a pure decision: which ones to delete so the total fits
/// <c>budgetBytes</c>, oldest first (ties broken by id, so the answer does not depend on the input order).
/// The newest snapshot is never deleted for the budget's sake unless it alone exceeds the budget.
/// </summary>
public static class SnapshotRetention
{
    public static IReadOnlyList<StoredSnapshot> ToDelete(IEnumerable<StoredSnapshot> stored, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var ordered = stored.OrderBy(s => s.TakenAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var total = ordered.Sum(s => s.Bytes);
        var delete = new List<StoredSnapshot>();
        foreach (var snapshot in ordered)
        {
            if (total <= Math.Max(0, budgetBytes)) break;
            delete.Add(snapshot);
            total -= snapshot.Bytes;
        }
        return delete;
    }
}
