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

    /// <summary>
    /// Sends CONNECT and reads the proxy's answer (any status); fails when the answer is missing or unreadable.
    /// On 2xx the stream is now the tunnel.
    /// </summary>
    public static async Task<Result<ResponseHead>> OpenAsync(Stream proxy, string host, int port, CancellationToken cancellationToken)
    {
        await proxy.WriteAsync(Request(host, port), cancellationToken).ConfigureAwait(false);
        var read = await ResponseHead.ReadHeadAsync(proxy, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var bytes, out var readFailure))
        {
            return readFailure with { Message = $"proxy: {readFailure.Message}" };
        }

        var parsed = ResponseHead.Parse(bytes, "HTTP/1.");
        return parsed.IsOk
            ? parsed
            : parsed.Failure! with { Message = $"proxy answered with an unreadable response: {parsed.Failure.Message}" };
    }
}
