using System.Globalization;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>A response this server sends (RFC 2326 §7): status, headers, optional body; <see cref="CloseAfter"/>
/// when the connection must be closed once it is written (a request the parser could not frame).</summary>
public sealed class RtspServerResponse(int statusCode, string reasonPhrase)
{
    public int StatusCode { get; } = statusCode;

    public string ReasonPhrase { get; } = reasonPhrase;

    public RtspHeaders Headers { get; } = new();

    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/sdp";

    public bool CloseAfter { get; init; }

    public static RtspServerResponse Ok() => new(200, "OK");

    public static RtspServerResponse Error(int status, string reason, bool close = false) => new(status, reason) { CloseAfter = close };

    /// <summary>The response as bytes (UTF-8 head, Content-Length added when there is a body).</summary>
    public byte[] ToBytes()
    {
        var body = Body is null ? [] : Encoding.UTF8.GetBytes(Body);
        var sb = new StringBuilder(256);
        sb.Append("RTSP/1.0 ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase).Append("\r\n");
        foreach (var h in Headers.Items) sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        if (body.Length > 0)
        {
            sb.Append("Content-Type: ").Append(ContentType).Append("\r\n");
            sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        if (CloseAfter) sb.Append("Connection: close\r\n");
        sb.Append("\r\n");
        var head = Encoding.UTF8.GetBytes(sb.ToString());
        if (body.Length == 0) return head;
        var all = new byte[head.Length + body.Length];
        head.CopyTo(all, 0);
        body.CopyTo(all, head.Length);
        return all;
    }
}
