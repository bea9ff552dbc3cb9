using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.Pos.Tests;

/// <summary>The plugin over real TCP on loopback, with a register simulator (<see cref="PosRig.SendAsync"/>).</summary>
public sealed class PluginTests
{
    [Fact]
    public async Task A_void_is_stored_searchable_linked_to_its_camera_and_raised_for_rules()
    {
        await using var rig = await PosRig.StartAsync();
        await PosRig.SendAsync(rig.Lane1, Receipts.SaleWithVoid());

        await Eventually.UntilAsync(() => rig.Published("PosVoidRecorded").Count == 1, "the void event", diagnostics: rig.Diagnostics);
        var voided = rig.Published("PosVoidRecorded").Single().Data;
        Assert.Equal(("lane1", "lane1-cam", 1, "ALICE"), (voided.GetProperty("register").GetString(), voided.GetProperty("cameraId").GetString(),
            voided.GetProperty("voids").GetInt32(), voided.GetProperty("cashier").GetString()));
        var completed = Assert.Single(rig.Published("PosTransactionCompleted")).Data;
        Assert.Contains("VOID BREAD", completed.GetProperty("text").GetString());

        var found = await rig.SearchAsync("q=bread");
        var hit = Assert.Single(found.EnumerateArray());
        Assert.Equal(("lane1", "lane1-cam", 2.50m), (hit.GetProperty("register").GetString(), hit.GetProperty("cameraId").GetString(), hit.GetProperty("total").GetDecimal()));
        Assert.Empty((await rig.SearchAsync("q=caviar")).EnumerateArray());
        Assert.Single((await rig.SearchAsync("q=ALICE")).EnumerateArray());

        var id = hit.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (status, one) = await rig.Context.HttpRoutes.GetAsync("transactions/{id}", "", new Dictionary<string, string> { ["id"] = id });
        Assert.Equal(200, status);
        Assert.Equal(3, JsonDocument.Parse(one).RootElement.GetProperty("items").GetArrayLength());
        var (_, page) = await rig.Context.HttpRoutes.GetAsync("page");
        Assert.Contains("camera lane1-cam", page);
        Assert.Contains("VOID BREAD", page);
    }

    [Fact]
    public async Task No_sale_and_a_refund_above_the_threshold_raise_events_and_one_below_does_not()
    {
        await using var rig = await PosRig.StartAsync();
        await PosRig.SendAsync(rig.Lane1, [.. Receipts.NoSale(), .. Receipts.Refund("75.00"), .. Receipts.Refund("5.00")]);
        await Eventually.UntilAsync(() => rig.Published("PosTransactionCompleted").Count == 3, "three transactions", diagnostics: rig.Diagnostics);
        Assert.Single(rig.Published("PosNoSaleRecorded"));
        Assert.Equal(75.00m, Assert.Single(rig.Published("PosRefundRecorded")).Data.GetProperty("refunded").GetDecimal());
    }

    [Fact]
    public async Task Each_register_group_has_its_own_port_and_register()
    {
        await using var rig = await PosRig.StartAsync();
        await Task.WhenAll(PosRig.SendAsync(rig.Lane1, Receipts.SaleWithVoid(1)), PosRig.SendAsync(rig.Lane2, Receipts.SaleWithVoid(2)));
        await Eventually.UntilAsync(() => rig.Published("PosTransactionCompleted").Count == 2, "both registers' transactions", diagnostics: rig.Diagnostics);
        Assert.Single((await rig.SearchAsync("q=milk&register=lane2")).EnumerateArray());
        Assert.Equal(2, (await rig.SearchAsync("q=milk")).GetArrayLength());
    }

    [Fact]
    public async Task A_connection_dropped_mid_transaction_stores_it_as_disconnected()
    {
        await using var rig = await PosRig.StartAsync();
        using (var register = await PosRig.SendAsync(rig.Lane1, Receipts.Text("STORE 9\nCASHIER: EVE\nCHEESE   4.20\n"), keepOpen: true))
        {
            await Task.Delay(200);
            Assert.Empty(rig.Published("PosTransactionCompleted"));
        }
        await Eventually.UntilAsync(() => rig.Published("PosTransactionCompleted").Count == 1, "the dropped transaction", diagnostics: rig.Diagnostics);
        Assert.Equal("disconnected", rig.Published("PosTransactionCompleted").Single().Data.GetProperty("endedBy").GetString());
        Assert.Single((await rig.SearchAsync("q=cheese")).EnumerateArray());
    }

    [Fact]
    public async Task Binary_garbage_and_invalid_utf8_are_stored_as_text_and_a_never_ending_transaction_is_capped()
    {
        await using var rig = await PosRig.StartAsync(maxLines: 50);
        var random = new Random(7);
        var garbage = new byte[20_000];
        random.NextBytes(garbage);
        byte[] stream = [.. Receipts.Text("STORE 3\n"), 0xFF, 0xFE, .. Receipts.Text("MILK 1.00\n"), .. garbage,
            .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("NOISE\n", 200)))];
        await PosRig.SendAsync(rig.Lane1, stream);
        await Eventually.UntilAsync(() => rig.Published("PosTransactionCompleted").Any(e => e.Data.GetProperty("endedBy").GetString() == "max-lines"),
            "the capped transaction", diagnostics: rig.Diagnostics);
        var found = await rig.SearchAsync("q=milk");
        Assert.Contains("\uFFFD", Assert.Single(found.EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_query_fts5_cannot_parse_is_a_400_with_its_reason()
    {
        await using var rig = await PosRig.StartAsync();
        var (status, body) = await rig.Context.HttpRoutes.GetAsync("search", "q=%22unclosed");
        Assert.Equal(400, status);
        Assert.Contains("not understood", body);
        Assert.Equal(400, (await rig.Context.HttpRoutes.GetAsync("search", "limit=100000")).Status);
    }

    [Fact]
    public async Task Transactions_are_forwarded_over_https_and_a_receiver_down_for_a_while_gets_them_later()
    {
        using var pki = TestPki.Create(Directory.CreateTempSubdirectory("appl-pos-pki-").FullName);
        await using var receiver = await HttpsFileReceiver.StartAsync(pki, "pos-endpoint");
        receiver.RefuseNext = 2;
        await using var rig = await PosRig.StartAsync($"{receiver.BaseUrl}/post/site", receiver.CertificateSha256);
        await PosRig.SendAsync(rig.Lane1, [.. Receipts.SaleWithVoid(), .. Receipts.NoSale()]);
        await Eventually.UntilAsync(() => rig.Published("PosTransactionCompleted").Count == 2, "two transactions", diagnostics: rig.Diagnostics);

        // The receiver answers 503 twice: the first transaction stays at the head of the subscription, nothing is lost.
        Assert.Equal(2, await rig.Context.NamedBus.DrainAsync());
        Assert.Equal(2, await rig.Context.NamedBus.DrainAsync());
        Assert.Contains("503", rig.Context.HealthReports.Components["forward"].Message);
        Assert.Equal(0, await rig.Context.NamedBus.DrainAsync());

        var posted = receiver.Posted.ToList();
        Assert.Equal(2, posted.Count);
        var first = JsonDocument.Parse(posted[0].Body).RootElement;
        Assert.Equal(first.GetProperty("id").GetString(), posted[0].Headers["Idempotency-Key"]);
        Assert.Equal("lane1-cam", first.GetProperty("transaction").GetProperty("cameraId").GetString());
        Assert.True(JsonDocument.Parse(posted[1].Body).RootElement.GetProperty("transaction").GetProperty("noSale").GetBoolean());
    }
}
