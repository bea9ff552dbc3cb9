using System.Text;
using Appliance.Plugins.Pos.Protocol;

namespace Appliance.Plugins.Pos.Tests;

public sealed class EscPosDecoderTests
{
    private static List<PosToken> Decode(byte[] bytes, int maxLine = 1024)
    {
        var decoder = new EscPosDecoder(maxLineBytes: maxLine);
        var tokens = decoder.Push(bytes).ToList();
        if (decoder.Flush() is { } last) tokens.Add(last);
        return tokens;
    }

    private static string Show(IEnumerable<PosToken> tokens) => string.Join("|", tokens.Select(t => t.Kind == PosTokenKind.Line ? t.Text : $"<{t.Kind}>"));

    [Fact]
    public void Styles_images_and_barcodes_are_removed_and_the_cut_separates_receipts() => Assert.Equal(
        "STORE 12|CASHIER: ALICE|MILK             2.50|BREAD            3.00|VOID BREAD      -3.00|TOTAL 2.50|THANK YOU|<Cut>",
        Show(Decode(Receipts.SaleWithVoid())));

    [Fact]
    public void The_same_stream_split_byte_by_byte_decodes_the_same()
    {
        var decoder = new EscPosDecoder();
        var tokens = new List<PosToken>();
        foreach (var b in Receipts.SaleWithVoid()) tokens.AddRange(decoder.Push([b]));
        Assert.Equal(Show(Decode(Receipts.SaleWithVoid())), Show(tokens));
        Assert.Equal(12, decoder.ImageBytes);
    }

    [Fact]
    public void A_drawer_kick_is_reported() => Assert.Contains("<Drawer>", Show(Decode(Receipts.NoSale())));

    [Fact]
    public void Invalid_utf8_becomes_the_replacement_character() =>
        Assert.Equal("caf\uFFFD \u00e9t\u00e9 \uFFFD", Show(Decode([.. "caf"u8, 0xC3, (byte)' ', .. "été "u8, 0xFF, 0x0A])));

    [Fact]
    public void A_selected_code_page_decodes_its_bytes_and_initialize_resets_it() => Assert.Equal(
        "caf\u00e9|caf\uFFFD",
        Show(Decode([0x1B, 0x74, 16, .. "caf"u8, 0xE9, 0x0A, 0x1B, 0x40, .. "caf"u8, 0xE9, 0x0A])));

    [Fact]
    public void Other_control_bytes_are_dropped() =>
        Assert.Equal("AB C", Show(Decode([0x00, (byte)'A', 0x07, 0x7F, (byte)'B', 0x09, (byte)'C', 0x0D, 0x0A])));

    [Fact]
    public void A_line_without_end_is_cut_at_the_cap()
    {
        var tokens = Decode(Encoding.ASCII.GetBytes(new string('x', 2500)), maxLine: 1000);
        Assert.Equal([1000, 1000, 500], tokens.Select(t => t.Text.Length));
    }

    [Fact]
    public void A_huge_image_is_skipped_without_being_held()
    {
        var decoder = new EscPosDecoder();
        Assert.Empty(decoder.Push([0x1D, 0x76, 0x30, 0x00, 0xFF, 0xFF, 0xFF, 0x00]));
        var chunk = Enumerable.Repeat((byte)0x0A, 65535).ToArray();
        for (var i = 0; i < 255; i++) Assert.Empty(decoder.Push(chunk));
        Assert.Equal("after", Assert.Single(decoder.Push("after\n"u8)).Text);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(46000);
        var decoder = new EscPosDecoder();
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            _ = decoder.Push(bytes);
        }
        Assert.True(decoder.Dropped > 0);
    }
}
