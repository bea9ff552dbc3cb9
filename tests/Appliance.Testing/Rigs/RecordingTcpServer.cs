using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// A TCP listener on 127.0.0.1 standing in for an XProtect event server (no real Milestone here): each connection's
/// bytes are handed to <c>respond</c>, which returns what to write back (null: keep the connection open and silent).
/// </summary>
public sealed class RecordingTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<byte[]> _received = [];
    private readonly List<TcpClient> _open = [];

    /// <param name="readToEnd">true: read until the client closes its side (analytics); false: read up to the first CR LF (generic).</param>
    public RecordingTcpServer(Func<byte[], byte[]?> respond, bool readToEnd, int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(() => Serve(client, respond, readToEnd));
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<byte[]> Received { get { lock (_received) return _received.ToList(); } }

    private async Task Serve(TcpClient client, Func<byte[], byte[]?> respond, bool readToEnd)
    {
        var stream = client.GetStream();
        using var data = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                data.Write(buffer, 0, n);
                var bytes = data.ToArray();
                if (!readToEnd && bytes.Length >= 2 && bytes[^2] == 13 && bytes[^1] == 10) break;
            }
            var received = data.ToArray();
            lock (_received) _received.Add(received);
            var answer = respond(received);
            if (answer is null)
            {
                lock (_open) _open.Add(client);
                return;
            }
            await stream.WriteAsync(answer, _stop.Token);
        }
        catch (Exception)
        {
        }
        client.Dispose();
    }

    /// <summary>Waits (generously) for <paramref name="count"/> messages.</summary>
    public async Task<IReadOnlyList<byte[]>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        lock (_open) foreach (var c in _open) c.Dispose();
    }

}
