using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Appliance.Testing;

/// <summary>
/// The accept loop of a test's own TCP peer (a fake API, a hostile server, a proxy, a stand-in for another system):
/// listens on <paramref name="address"/> (127.0.0.1 unless a test names another loopback address) at the given port or
/// a free one, and hands each connection to <c>serve</c> on the thread pool with a token that is cancelled at dispose.
/// The rig owns the client: it is closed when <c>serve</c> returns (a peer that holds a connection open awaits the
/// token). A connection that ends badly (the client went away, TLS refused, the server stopping) ends quietly;
/// any other exception of <c>serve</c> is a bug of the test's peer and is left unobserved.
/// </summary>
public sealed class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<TcpClient, CancellationToken, Task> _serve;
    private readonly Task _accepting;

    public LoopbackTcpServer(Func<TcpClient, CancellationToken, Task> serve, int port = 0, IPAddress? address = null)
    {
        _serve = serve;
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await _serve(client, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
            {
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
