using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Storage;

/// <summary>A finished clip as its budget sees it: its files' bytes (MPEG-TS and MP4 rewrap), when it was made, and
/// whether it may go (a clip whose upload is still owed is <paramref name="Pinned"/>: it counts but is kept).</summary>
public sealed record StoredClip(string Id, long CreatedUs, long Bytes, bool Pinned = false);

/// <summary>
/// Which finished clips go so that a new one fits the clip budget: the oldest unpinned first (by creation, then id),
/// until all of them, the new one included, fit. Fails with <c>over-budget</c> when the new clip alone is larger than
/// the budget, or when it does not fit even after every clip that may go is gone (pinned ones hold the rest). A
/// budget of 0 or less is no limit. Pure and total.
/// </summary>
public static class ClipBudgetPlan
{
    public const string OverBudget = "over-budget";

    public static Result<IReadOnlyList<StoredClip>> Decide(IReadOnlyCollection<StoredClip> others, StoredClip added, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(added);
        if (budgetBytes <= 0) return Result<IReadOnlyList<StoredClip>>.Ok([]);
        if (added.Bytes > budgetBytes)
            return Result<IReadOnlyList<StoredClip>>.Fail(OverBudget,
                $"the clip is {added.Bytes} bytes, more than the whole clip budget ({budgetBytes} bytes, clipBudgetMegabytes)");
        var rest = others.Where(c => c.Id != added.Id).ToList();
        var used = added.Bytes + rest.Sum(c => Math.Max(0, c.Bytes));
        var doomed = new List<StoredClip>();
        foreach (var clip in rest.Where(c => !c.Pinned).OrderBy(c => c.CreatedUs).ThenBy(c => c.Id, StringComparer.Ordinal))
        {
            if (used <= budgetBytes) break;
            doomed.Add(clip);
            used -= Math.Max(0, clip.Bytes);
        }
        if (used > budgetBytes)
            return Result<IReadOnlyList<StoredClip>>.Fail(OverBudget,
                $"the clip ({added.Bytes} bytes) does not fit the clip budget ({budgetBytes} bytes): clips whose upload is still owed hold {rest.Where(c => c.Pinned).Sum(c => Math.Max(0, c.Bytes))} bytes");
        return Result<IReadOnlyList<StoredClip>>.Ok(doomed);
    }
}
