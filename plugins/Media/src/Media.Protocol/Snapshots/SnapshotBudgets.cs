using Appliance.Abstractions;

namespace Appliance.Plugins.Media.Protocol.Snapshots;

/// <summary>
/// The two disk budgets of kept snapshots, in bytes: event snapshots (<c>snapshot.budgetMegabytes</c>: rule and
/// event snapshots, motion starts) and day/night reference images (<c>reference.budgetMegabytes</c>). One kind never
/// pushes the other out: a burst of alarms does not delete the site's reference images, and a long reference
/// schedule does not delete the alert images.
/// </summary>
public sealed record SnapshotBudgets(long EventBytes, long ReferenceBytes)
{
    /// <summary>The largest budget either key takes: 1 TiB (1,048,576 MiB), as the manifest's maximum.</summary>
    public const long MaxMegabytes = 1024L * 1024;

    /// <summary>The budget of <paramref name="kind"/>.</summary>
    public long For(SnapshotKind kind) => kind == SnapshotKind.Reference ? ReferenceBytes : EventBytes;

    /// <summary>
    /// Both budgets from megabytes (MiB); each must be 1..<see cref="MaxMegabytes"/>. Fails with <c>invalid-budget</c>
    /// naming every bad key (0 would delete each image as soon as it is kept, a negative or larger one is a mistake).
    /// </summary>
    public static Result<SnapshotBudgets> FromMegabytes(long eventMegabytes, long referenceMegabytes)
    {
        var errors = new List<string>();
        Check("snapshot.budgetMegabytes", eventMegabytes, errors);
        Check("reference.budgetMegabytes", referenceMegabytes, errors);
        if (errors.Count > 0) return Result<SnapshotBudgets>.Fail("invalid-budget", string.Join("; ", errors));
        return new SnapshotBudgets(eventMegabytes * 1024 * 1024, referenceMegabytes * 1024 * 1024);
    }

    private static void Check(string key, long megabytes, List<string> errors)
    {
        if (megabytes is < 1 or > MaxMegabytes)
            errors.Add($"{key}: {megabytes} is outside 1..{MaxMegabytes} (MiB)");
    }
}
