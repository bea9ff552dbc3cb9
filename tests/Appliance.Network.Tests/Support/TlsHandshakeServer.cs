using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Network.Tests.Support;

/// <summary>
/// A TLS endpoint of a test's own on a given loopback address and port (e.g. 127.x.y.z:443, the port an update server
/// has): completes each handshake with <paramref name="certificate"/>, then closes. Enough for the doctor's TLS check.
/// </summary>
public sealed class TlsHandshakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TlsHandshakeServer(IPAddress address, int port, X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(address, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private int _handshakes;

    public int Handshakes => Volatile.Read(ref _handshakes);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = HandshakeAsync(client);
        }
    }

    private async Task HandshakeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
                Interlocked.Increment(ref _handshakes);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // A client that gave up or refused the certificate: the check reports it.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
