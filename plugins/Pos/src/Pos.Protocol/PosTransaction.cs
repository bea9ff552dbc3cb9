namespace Appliance.Plugins.Pos.Protocol;

/// <summary>A sold (or voided, refunded) article: its description, amount, and line index in the transaction.</summary>
public sealed record PosLineItem(string Description, decimal Amount, int Line);

/// <summary>
/// One transaction of one register as its receipt printed it: the lines, the items, the total, how many void lines,
/// the refunded amount, whether it was a no-sale, whether the drawer opened, the cashier, when it started and ended,
/// and why it ended (<c>end</c> pattern, <c>cut</c>, <c>next-start</c>, <c>max-lines</c> (truncated),
/// <c>disconnected</c> (incomplete)).
/// </summary>
public sealed record PosTransaction(
    IReadOnlyList<string> Lines,
    IReadOnlyList<PosLineItem> Items,
    decimal? Total,
    int Voids,
    decimal Refunded,
    bool NoSale,
    bool DrawerOpened,
    string? Cashier,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string EndedBy)
{
    public bool Complete => EndedBy is "end" or "cut" or "next-start";

    public string Text => string.Join('\n', Lines);
}
