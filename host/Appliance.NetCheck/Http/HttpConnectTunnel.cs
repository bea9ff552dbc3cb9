using System.Text;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Http;

/// <summary>HTTP/1.1 CONNECT (RFC 9110 section 9.3.6) over an open stream to a proxy.</summary>
public static class HttpConnectTunnel
{
    public static byte[] Request(string host, int port)
    {
        var authority = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
        return Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: appliance-netcheck\r\n\r\n");
    }

    /// <summary>Sends CONNECT and reads the proxy's answer. On 2xx the stream is now the tunnel.</summary>
    public static async Task<(ResponseHead? Head, string? Error)> OpenAsync(Stream proxy, string host, int port, CancellationToken cancellationToken)
    {
        await proxy.WriteAsync(Request(host, port), cancellationToken).ConfigureAwait(false);
        var (bytes, readError) = await ResponseHead.ReadHeadAsync(proxy, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, $"proxy: {readError}");
        }

        return ResponseHead.TryParse(bytes, "HTTP/1.", out var head, out var parseError)
            ? (head, null)
            : (null, $"proxy answered with an unreadable response: {parseError}");
    }
}
