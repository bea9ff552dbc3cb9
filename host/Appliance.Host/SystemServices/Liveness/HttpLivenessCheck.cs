using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Appliance.Host.SystemServices.Liveness;

/// <summary>
/// Kestrel serves: a request to <c>/healthz</c> on the host's own first address gets an answer. Any HTTP status
/// counts (the watchdog is about liveness; health has its own reporting).
/// </summary>
public sealed class HttpLivenessCheck(IServer server) : ILivenessCheck, IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        // Our own server on loopback with its own self-signed certificate.
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    });

    public string Name => "http";

    public async Task ProveProgressAsync(CancellationToken ct)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel has no address yet");
        using var response = await _client.GetAsync(new Uri(ToLoopback(new Uri(address)), "/healthz"), HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>A wildcard bind (0.0.0.0, [::], +, *) is reached on loopback; a specific address as it is.</summary>
    public static Uri ToLoopback(Uri address)
    {
        var host = address.Host is "0.0.0.0" or "+" or "*" or "[::]" or "::" ? "127.0.0.1" : address.Host;
        return new UriBuilder(address) { Host = host, Path = "/" }.Uri;
    }

    public void Dispose() => _client.Dispose();
}
