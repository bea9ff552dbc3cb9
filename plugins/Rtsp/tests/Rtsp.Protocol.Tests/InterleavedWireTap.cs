using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>
/// A TCP relay between RTSP clients and a server that reads what the server sends with its own small parser (no
/// project code): RTSP responses are skipped (head, then Content-Length bytes), interleaved frames on channel 0 are
/// RTP whose sequence numbers it follows per connection. What it counts is the truth on the wire for each
/// connection: packets relayed and the sequence numbers that never came (from the first packet relayed).
/// </summary>
public sealed class InterleavedWireTap : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Connection> _connections = [];
    private readonly List<Task> _tasks = [];
    private readonly Task _accepting;

    public InterleavedWireTap(IPEndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<Connection> Connections
    {
        get { lock (_connections) return _connections.ToList(); }
    }

    public sealed class Connection
    {
        private int? _last;
        public long Packets { get; private set; }
        public long Missing { get; private set; }

        internal void OnRtp(ushort sequence)
        {
            if (_last is { } last) Missing += (ushort)(sequence - last - 1);
            _last = sequence;
            Packets++;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections) _tasks.Add(ConnectAsync(client)); // never hold up the next client's accept
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        var server = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_server, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }
        var connection = new Connection();
        lock (_connections) _connections.Add(connection);
        await Task.WhenAll(RelayAsync(client.GetStream(), server.GetStream(), null), RelayAsync(server.GetStream(), client.GetStream(), connection));
        client.Dispose();
        server.Dispose();
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to, Connection? tapped)
    {
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                if (tapped is null) continue;
                pending.AddRange(buffer.AsSpan(0, n));
                var used = Scan(pending, tapped);
                pending.RemoveRange(0, used);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    /// <summary>Consumes every complete item at the start of <paramref name="bytes"/>; returns how many bytes it used.</summary>
    private static int Scan(List<byte> bytes, Connection connection)
    {
        var at = 0;
        while (at < bytes.Count)
        {
            if (bytes[at] == (byte)'$')
            {
                if (bytes.Count - at < 4) break;
                var length = (bytes[at + 2] << 8) | bytes[at + 3];
                if (bytes.Count - at < 4 + length) break;
                if (bytes[at + 1] == 0 && length >= 12) connection.OnRtp((ushort)((bytes[at + 4 + 2] << 8) | bytes[at + 4 + 3]));
                at += 4 + length;
                continue;
            }
            var end = IndexOfHeadEnd(bytes, at);
            if (end < 0) break;
            var head = Encoding.ASCII.GetString(bytes.GetRange(at, end - at).ToArray());
            var contentLength = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim())).FirstOrDefault();
            if (bytes.Count - (end + 4) < contentLength) break;
            at = end + 4 + contentLength;
        }
        return at;
    }

    private static int IndexOfHeadEnd(List<byte> bytes, int from)
    {
        for (var i = from; i + 3 < bytes.Count; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') return i;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] tasks;
        lock (_connections) tasks = _tasks.ToArray();
        await Task.WhenAll(tasks);
    }
}
