using System.Text;

namespace Appliance.Plugins.Milestone.Protocol;

/// <summary>How an XProtect generic-event data source answers (Management Client, Tools > Options > Generic events).</summary>
public enum EchoType
{
    /// <summary>No answer: the send is complete once written.</summary>
    None,

    /// <summary>"Echo all bytes": the source sends back every byte it received.</summary>
    AllBytes,

    /// <summary>"Echo statistics": one line <c>[X],[Y],[Z],[name]</c> per message (request number, characters, matches, matched event).</summary>
    Statistics,
}

/// <summary>
/// A generic-event data source as XProtect documents it (MIP "Generic events" and the Management Client's data
/// sources): the built-in "Compatible" source listens on TCP 1234 (ASCII, separator bytes 13,10, echo all bytes), the
/// "International" source on TCP 1235 (UTF-8, separator 13,10, echo statistics); UDP 1234 takes datagrams without echo.
/// </summary>
public sealed record GenericEventSource(Encoding Encoding, byte[] Separator, EchoType Echo)
{
    public static GenericEventSource Compatible => new(Encoding.ASCII, [13, 10], EchoType.AllBytes);

    public static GenericEventSource International => new(new UTF8Encoding(false), [13, 10], EchoType.Statistics);

    /// <summary>Parses "13,10" style separator bytes (1 to 8 decimal bytes).</summary>
    public static Appliance.Abstractions.Result<byte[]> ParseSeparator(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > 8) return Appliance.Abstractions.Result<byte[]>.Fail("malformed", "separator: 1 to 8 byte values such as 13,10");
        var bytes = new byte[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!byte.TryParse(parts[i], out bytes[i])) return Appliance.Abstractions.Result<byte[]>.Fail("malformed", $"separator: \"{parts[i]}\" is not a byte value (0 to 255)");
        return bytes;
    }

    /// <summary>
    /// The bytes of one message: the text in this source's encoding (characters the encoding cannot carry become '?',
    /// and any separator sequence inside the text is replaced by spaces so one message stays one message), then the separator.
    /// </summary>
    public byte[] Frame(string text)
    {
        var body = Encoding.GetBytes(text.Length > 4096 ? text[..4096] : text);
        for (var i = 0; i + Separator.Length <= body.Length; i++)
            if (body.AsSpan(i, Separator.Length).SequenceEqual(Separator))
                for (var j = 0; j < Separator.Length; j++) body[i + j] = (byte)' ';
        return [.. body, .. Separator];
    }
}
