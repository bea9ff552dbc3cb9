using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// A TCP relay for clients that cannot pick their source address (a browser): it listens on 127.0.0.1 and opens
/// each connection to <c>target</c> from <c>source</c>, e.g. 127.0.0.61, so the host sees a machine elsewhere on the
/// LAN (on loopback the kernel would otherwise pick 127.0.0.1, the box itself). Bytes are copied unchanged both
/// ways, so TLS runs end to end between the client and the host.
/// </summary>
public sealed class SourceRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly IPAddress _source;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private SourceRelay(IPEndPoint target, IPAddress source)
    {
        _target = target;
        _source = source;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The target's HTTPS address as reached through the relay.</summary>
    public Uri BaseUri => new($"https://127.0.0.1:{Port}");

    public static SourceRelay Start(IPEndPoint target, IPAddress source) => new(target, source);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                connections.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        await Task.WhenAll(connections);
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            try
            {
                upstream.Bind(new IPEndPoint(_source, 0));
                await upstream.ConnectAsync(_target, _stop.Token);
                await using var a = new NetworkStream(client, ownsSocket: false);
                await using var b = new NetworkStream(upstream, ownsSocket: false);
                await Task.WhenAny(PumpAsync(a, b, upstream), PumpAsync(b, a, client));
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Copies until <paramref name="from"/> ends, then half-closes the other side.</summary>
    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
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
