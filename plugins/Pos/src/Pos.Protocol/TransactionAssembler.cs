namespace Appliance.Plugins.Pos.Protocol;

/// <summary>
/// Groups a register's tokens (<see cref="EscPosDecoder"/>) into transactions by its <see cref="RegisterRules"/>.
/// Lines outside a transaction that do not start one are ignored (counted in <see cref="Ignored"/>). Not thread-safe:
/// one assembler per register connection.
/// </summary>
public sealed class TransactionAssembler(RegisterRules rules)
{
    private Builder? _current;

    public long Ignored { get; private set; }

    /// <summary>True while a transaction is open.</summary>
    public bool Open => _current is not null;

    /// <summary>Feeds one token received at <paramref name="at"/>; returns the transactions it completed (0, 1 or 2).</summary>
    public IReadOnlyList<PosTransaction> Accept(PosToken token, DateTimeOffset at)
    {
        var done = new List<PosTransaction>(1);
        switch (token.Kind)
        {
            case PosTokenKind.Cut:
                if (_current is not null && rules.CutEnds) done.Add(Close(at, "cut"));
                break;
            case PosTokenKind.Drawer:
                if (_current is not null) _current.DrawerOpened = true;
                break;
            case PosTokenKind.Line:
                Line(token.Text, at, done);
                break;
        }
        return done;
    }

    /// <summary>Closes an open transaction as incomplete (the register disconnected); null when none is open.</summary>
    public PosTransaction? Flush(DateTimeOffset at) => _current is null ? null : Close(at, "disconnected");

    private void Line(string line, DateTimeOffset at, List<PosTransaction> done)
    {
        if (line.Length == 0 && _current is null) return;
        var starts = Find(rules.Start, line) is not null;
        if (_current is not null && starts && _current.Lines.Count > 0) done.Add(Close(at, "next-start"));
        if (_current is null)
        {
            if (rules.Start is not null && !starts)
            {
                Ignored++;
                return;
            }
            _current = new Builder(at);
        }
        var b = _current;
        var index = b.Lines.Count;
        b.Lines.Add(line);
        var isTotal = false;
        if (Find(rules.Total, line) is { } total && RegisterRules.Amount(total.Groups["amount"].Value) is { } sum)
        {
            b.Total = sum;
            isTotal = true;
        }
        var refundLine = Find(rules.Refund, line);
        if (refundLine is not null && RegisterRules.Amount(refundLine.Groups["amount"].Value) is { } refunded) b.Refunded += Math.Abs(refunded);
        // A total or refund line is not an item even when the item pattern would match it.
        if (!isTotal && refundLine is null && Find(rules.Item, line) is { } item && RegisterRules.Amount(item.Groups["amount"].Value) is { } amount)
            b.Items.Add(new PosLineItem(item.Groups["description"].Success ? item.Groups["description"].Value.Trim() : line.Trim(), amount, index));
        if (Find(rules.Void, line) is not null) b.Voids++;
        if (Find(rules.NoSale, line) is not null) b.NoSale = true;
        if (Find(rules.Cashier, line) is { } cashier) b.Cashier = cashier.Groups["cashier"].Value.Trim();
        if (Find(rules.End, line) is not null) done.Add(Close(at, "end"));
        else if (b.Lines.Count >= rules.MaxLines) done.Add(Close(at, "max-lines"));
    }

    /// <summary>The pattern's match, or null (no pattern, no match, or a line that ran past the match time limit: counted
    /// in <see cref="TimedOut"/>, a hostile line never stops the register).</summary>
    private System.Text.RegularExpressions.Match? Find(System.Text.RegularExpressions.Regex? regex, string line)
    {
        if (regex is null) return null;
        try
        {
            var match = regex.Match(line);
            return match.Success ? match : null;
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            TimedOut++;
            return null;
        }
    }

    /// <summary>Pattern matches abandoned at the time limit.</summary>
    public long TimedOut { get; private set; }

    private PosTransaction Close(DateTimeOffset at, string endedBy)
    {
        var b = _current!;
        _current = null;
        return new PosTransaction([.. b.Lines], [.. b.Items], b.Total, b.Voids, b.Refunded, b.NoSale, b.DrawerOpened, b.Cashier, b.StartedAt, at, endedBy);
    }

    private sealed class Builder(DateTimeOffset startedAt)
    {
        public DateTimeOffset StartedAt { get; } = startedAt;
        public List<string> Lines { get; } = [];
        public List<PosLineItem> Items { get; } = [];
        public decimal? Total { get; set; }
        public int Voids { get; set; }
        public decimal Refunded { get; set; }
        public bool NoSale { get; set; }
        public bool DrawerOpened { get; set; }
        public string? Cashier { get; set; }
    }
}
