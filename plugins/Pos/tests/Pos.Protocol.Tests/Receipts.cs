using System.Text;

namespace Appliance.Plugins.Pos.Tests;

/// <summary>
/// Register output as receipt printers receive it, written from the Epson ESC/POS command reference (ESC @ initialize,
/// ESC ! print mode, ESC t code table, ESC p drawer kick, GS V cut, GS v 0 raster image, GS k barcode); no real
/// register is available here. The receipt layout (store header, items, TOTAL, CASHIER, THANK YOU) is a typical one
/// the per-register patterns of <see cref="Rules"/> describe.
/// </summary>
internal static class Receipts
{
    public static readonly byte[] Init = [0x1B, 0x40];
    public static readonly byte[] Bold = [0x1B, 0x21, 0x08];
    public static readonly byte[] Cut = [0x1D, 0x56, 0x42, 0x00];
    public static readonly byte[] Drawer = [0x1B, 0x70, 0x00, 0x19, 0xFA];

    /// <summary>A raster image (GS v 0) of 4 x 3 bytes whose data holds LF, ESC and text-looking bytes.</summary>
    public static readonly byte[] Image = [0x1D, 0x76, 0x30, 0x00, 0x04, 0x00, 0x03, 0x00, 0x0A, 0x1B, (byte)'T', (byte)'O', 0x0A, 0x41, 0x42, 0x43, 0xFF, 0x00, 0x0A, 0x0A];

    /// <summary>A barcode (GS k, function A: data up to NUL).</summary>
    public static readonly byte[] Barcode = [0x1D, 0x6B, 0x04, (byte)'1', (byte)'2', (byte)'3', 0x00];

    public static readonly IReadOnlyDictionary<string, string?> Rules = new Dictionary<string, string?>
    {
        ["start"] = "^STORE \\d+",
        ["end"] = "^THANK YOU",
        ["item"] = "^(?<description>[A-Z][A-Z ]+?)\\s+(?<amount>-?\\d+\\.\\d{2}-?)$",
        ["total"] = "^TOTAL\\s+(?<amount>\\S+)$",
        ["void"] = "^VOID\\b",
        ["refund"] = "^REFUND\\s+(?<amount>\\S+)$",
        ["noSale"] = "NO SALE",
        ["cashier"] = "^CASHIER:\\s*(?<cashier>.+)$",
    };

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A sale with a voided item, printed with styles, an image and a barcode, ended by a cut.</summary>
    public static byte[] SaleWithVoid(int store = 12) =>
    [
        .. Init, .. Bold, .. Text($"STORE {store}\n"), .. Image, .. Text("CASHIER: ALICE\nMILK             2.50\nBREAD            3.00\nVOID BREAD      -3.00\nTOTAL 2.50\n"),
        .. Barcode, .. Text("THANK YOU\n"), .. Cut,
    ];

    public static byte[] NoSale(int store = 12) => [.. Text($"STORE {store}\nCASHIER: BOB\n*** NO SALE ***\n"), .. Drawer, .. Text("THANK YOU\n"), .. Cut];

    public static byte[] Refund(string amount, int store = 12) => [.. Text($"STORE {store}\nCASHIER: BOB\nREFUND {amount}\nTHANK YOU\n"), .. Cut];
}
