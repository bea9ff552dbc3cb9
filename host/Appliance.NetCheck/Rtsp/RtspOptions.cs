using System.Text;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Rtsp;

/// <summary>RTSP OPTIONS (RFC 2326 section 10.1): the cheapest request a camera must answer.</summary>
public static class RtspOptions
{
    public const int DefaultPort = 554;

    /// <summary>The request URI without user information (credentials never go on the wire in an OPTIONS probe).</summary>
    public static string RequestUri(Uri uri)
        => new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.GetComponents(
            UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);

    public static byte[] Request(Uri uri, int cseq)
        => Encoding.ASCII.GetBytes($"OPTIONS {RequestUri(uri)} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: appliance-netcheck\r\n\r\n");

    /// <summary>Parses the reply head and checks that it is an RTSP/1.0 response to our CSeq (else <c>malformed</c>).</summary>
    public static Result<ResponseHead> ReadReply(byte[] head, int cseq) =>
        ResponseHead.Parse(head, "RTSP/1.0").Bind(reply =>
        {
            var echoed = reply.Header("CSeq");
            return echoed is null || echoed.Trim() != cseq.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? Result<ResponseHead>.Fail("malformed", $"RTSP reply carries CSeq '{ResponseHead.Printable(echoed ?? "(none)")}', expected {cseq}")
                : reply;
        });
}
