using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Appliance.Testing;

namespace Appliance.Network.Tests.Support;

/// <summary>
/// A TLS endpoint of a test's own on a given loopback address and port (e.g. 127.x.y.z:443, the port an update server
/// has): completes each handshake with <paramref name="certificate"/>, then closes. Enough for the doctor's TLS check.
/// A client that gives up or refuses the certificate ends its connection quietly: the check reports it.
/// </summary>
public sealed class TlsHandshakeServer : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly LoopbackTcpServer _server;
    private int _handshakes;

    public TlsHandshakeServer(IPAddress address, int port, X509Certificate2 certificate)
    {
        _certificate = certificate;
        _server = new LoopbackTcpServer(HandshakeAsync, port, address);
    }

    public int Handshakes => Volatile.Read(ref _handshakes);

    private async Task HandshakeAsync(TcpClient client, CancellationToken ct)
    {
        await using var tls = new SslStream(client.GetStream());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
        Interlocked.Increment(ref _handshakes);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
