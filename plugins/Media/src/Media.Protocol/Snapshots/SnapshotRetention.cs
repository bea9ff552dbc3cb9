namespace Appliance.Plugins.Media.Protocol.Snapshots;

/// <summary>Why a snapshot was kept.</summary>
public enum SnapshotKind { Event, Reference }

/// <summary>A JPEG on disk: its id, kind, size and when it was taken.</summary>
public sealed record StoredSnapshot(string Id, SnapshotKind Kind, long Bytes, DateTimeOffset TakenAt);

/// <summary>
/// The disk budgets of kept snapshots as a pure decision: which ones to delete so the total fits the budget, oldest
/// first (ties broken by id, so the answer does not depend on the input order). A snapshot larger than the whole
/// budget is deleted too (nothing is kept over budget).
/// </summary>
public static class SnapshotRetention
{
    /// <summary>One budget over every snapshot given, whatever its kind.</summary>
    public static IReadOnlyList<StoredSnapshot> ToDelete(IEnumerable<StoredSnapshot> stored, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var ordered = stored.OrderBy(s => s.TakenAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var total = ordered.Sum(s => Math.Max(0, s.Bytes));
        var delete = new List<StoredSnapshot>();
        foreach (var snapshot in ordered)
        {
            if (total <= Math.Max(0, budgetBytes)) break;
            delete.Add(snapshot);
            total -= Math.Max(0, snapshot.Bytes);
        }
        return delete;
    }

    /// <summary>
    /// Each kind within its own budget (<see cref="SnapshotBudgets"/>): event snapshots are deleted only for the event
    /// budget, reference images only for the reference budget. The answer lists events first, then references, each
    /// oldest first.
    /// </summary>
    public static IReadOnlyList<StoredSnapshot> ToDelete(IEnumerable<StoredSnapshot> stored, SnapshotBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(budgets);
        var all = stored.ToList();
        return
        [
            .. ToDelete(all.Where(s => s.Kind == SnapshotKind.Event), budgets.EventBytes),
            .. ToDelete(all.Where(s => s.Kind == SnapshotKind.Reference), budgets.ReferenceBytes),
        ];
    }
}
