using System.Net;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Http;

/// <summary>HttpClient whose connections go through the doctor's socket factory and resolver (and the proxy, if any).</summary>
public static class NetCheckHttp
{
    public static HttpClient CreateClient(TcpConnector connector, HostPort? proxy, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = proxy is not null,
            Proxy = proxy is null ? null : new WebProxy($"http://{proxy.Host}:{proxy.Port}"),
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = await connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }
}
