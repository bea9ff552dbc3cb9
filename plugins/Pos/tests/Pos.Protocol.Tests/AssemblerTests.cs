using Appliance.Plugins.Pos.Protocol;

namespace Appliance.Plugins.Pos.Tests;

public sealed class AssemblerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-12-04T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static RegisterRules Rules(int maxLines = 500, bool cutEnds = true) => RegisterRules.Create(Receipts.Rules, maxLines, cutEnds).Value;

    private static List<PosTransaction> Run(byte[] bytes, RegisterRules rules, bool flush = false)
    {
        var decoder = new EscPosDecoder();
        var assembler = new TransactionAssembler(rules);
        var done = decoder.Push(bytes).SelectMany(t => assembler.Accept(t, At)).ToList();
        if (flush && assembler.Flush(At) is { } open) done.Add(open);
        return done;
    }

    [Fact]
    public void A_sale_has_its_items_total_cashier_and_void()
    {
        var t = Assert.Single(Run(Receipts.SaleWithVoid(), Rules()));
        Assert.Equal(("end", "ALICE", 2.50m, 1), (t.EndedBy, t.Cashier, t.Total, t.Voids));
        Assert.Equal([("MILK", 2.50m), ("BREAD", 3.00m), ("VOID BREAD", -3.00m)], t.Items.Select(i => (i.Description, i.Amount)));
        Assert.StartsWith("STORE 12\nCASHIER: ALICE", t.Text);
    }

    [Fact]
    public void No_sale_and_refund_are_recognized()
    {
        var noSale = Assert.Single(Run(Receipts.NoSale(), Rules()));
        Assert.True(noSale.NoSale);
        Assert.True(noSale.DrawerOpened);
        Assert.Equal(75.00m, Assert.Single(Run(Receipts.Refund("75.00-"), Rules())).Refunded);
    }

    [Fact]
    public void Lines_before_a_start_are_ignored_and_a_new_start_closes_an_unended_transaction()
    {
        var done = Run(Receipts.Text("garbage before\nSTORE 1\nMILK   1.00\nSTORE 2\nBREAD  2.00\nTHANK YOU\n"), Rules());
        Assert.Equal(["next-start", "end"], done.Select(t => t.EndedBy));
        Assert.Equal(["STORE 1", "MILK   1.00"], done[0].Lines);
    }

    [Fact]
    public void Without_an_end_line_the_cut_ends_the_transaction() =>
        Assert.Equal("cut", Assert.Single(Run([.. Receipts.Text("STORE 1\nMILK   1.00\n"), .. Receipts.Cut], Rules())).EndedBy);

    [Fact]
    public void A_never_ending_transaction_is_cut_at_max_lines()
    {
        var endless = Receipts.Text("STORE 1\n" + string.Concat(Enumerable.Repeat("MILK   1.00\n", 1000)));
        var done = Run(endless, Rules(maxLines: 100));
        Assert.All(done, t => Assert.Equal(("max-lines", 100), (t.EndedBy, t.Lines.Count)));
        Assert.Single(done);
    }

    [Fact]
    public void A_connection_dropped_mid_transaction_keeps_what_was_printed()
    {
        var t = Assert.Single(Run(Receipts.Text("STORE 1\nCASHIER: EVE\nMILK   1.00\n"), Rules(), flush: true));
        Assert.Equal(("disconnected", false, 3), (t.EndedBy, t.Complete, t.Lines.Count));
    }

    [Fact]
    public void Bad_patterns_are_refused_with_their_names()
    {
        var rules = RegisterRules.Create(new Dictionary<string, string?> { ["start"] = "([", ["total"] = "TOTAL (\\S+)" }, 10, true);
        Assert.False(rules.IsOk);
        Assert.Contains(rules.Failure!.Errors, e => e.StartsWith("rules.start:", StringComparison.Ordinal));
        Assert.Contains("rules.total: needs a named group (amount)", rules.Failure.Errors);
    }

    [Theory]
    [InlineData("12.50", "12.50")]
    [InlineData("3.00-", "-3.00")]
    [InlineData("(2.00)", "-2.00")]
    [InlineData("$1,234.56", "1234.56")]
    public void Amounts_read_as_receipts_print_them(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), RegisterRules.Amount(text));
}
