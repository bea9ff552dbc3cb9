using System.Buffers;
using System.Globalization;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>An RTSP/1.0 request (RFC 2326 §6).</summary>
public sealed class RtspRequest(string method, string uri)
{
    public string Method { get; } = method;

    public string Uri { get; } = uri;

    public RtspHeaders Headers { get; } = new();

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Writes the request line, headers (Content-Length added when there is a body) and body.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        foreach (var c in Method)
            if (c is < 'A' or > 'Z' and not '_') throw new InvalidOperationException($"RTSP method '{Method}' is not a token");
        foreach (var c in Uri)
            if (c <= ' ' || c >= 127) throw new InvalidOperationException("RTSP request URI contains whitespace or non-ASCII characters");
        var sb = new StringBuilder(256);
        sb.Append(Method).Append(' ').Append(Uri).Append(" RTSP/1.0\r\n");
        foreach (var h in Headers.Items)
        {
            if (string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        }
        if (!Body.IsEmpty) sb.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("\r\n");
        var head = sb.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(head.Length));
        var written = Encoding.UTF8.GetBytes(head, span);
        output.Advance(written);
        if (!Body.IsEmpty) output.Write(Body.Span);
    }

    public byte[] ToArray()
    {
        var writer = new ArrayBufferWriter<byte>(256);
        WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }
}

/// <summary>An RTSP/1.0 response (RFC 2326 §7).</summary>
public sealed class RtspResponse(string version, int statusCode, string reasonPhrase, RtspHeaders headers, byte[] body)
{
    public string Version { get; } = version;

    public int StatusCode { get; } = statusCode;

    public string ReasonPhrase { get; } = reasonPhrase;

    public RtspHeaders Headers { get; } = headers;

    public byte[] Body { get; } = body;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public int? CSeq => int.TryParse(Headers.Get("CSeq")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>"401 Unauthorized".</summary>
    public string Status => $"{StatusCode.ToString(CultureInfo.InvariantCulture)} {ReasonPhrase}";

    public override string ToString() => $"{Version} {Status}";
}
