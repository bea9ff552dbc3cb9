using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// A TCP listener on 127.0.0.1 standing in for an XProtect event server (no real Milestone here): each connection's
/// bytes are handed to <c>respond</c>, which returns what to write back (null: keep the connection open and silent
/// until the server is disposed).
/// </summary>
public sealed class RecordingTcpServer : IAsyncDisposable
{
    private readonly List<byte[]> _received = [];
    private readonly Func<byte[], byte[]?> _respond;
    private readonly bool _readToEnd;
    private readonly LoopbackTcpServer _server;

    /// <param name="readToEnd">true: read until the client closes its side (analytics); false: read up to the first CR LF (generic).</param>
    public RecordingTcpServer(Func<byte[], byte[]?> respond, bool readToEnd, int port = 0)
    {
        _respond = respond;
        _readToEnd = readToEnd;
        _server = new LoopbackTcpServer(ServeAsync, port);
    }

    public int Port => _server.Port;

    public IReadOnlyList<byte[]> Received { get { lock (_received) return _received.ToList(); } }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var stream = client.GetStream();
        using var data = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) break;
            data.Write(buffer, 0, n);
            var bytes = data.ToArray();
            if (!_readToEnd && bytes.Length >= 2 && bytes[^2] == 13 && bytes[^1] == 10) break;
        }
        var received = data.ToArray();
        lock (_received) _received.Add(received);
        if (_respond(received) is not { } answer)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }
        await stream.WriteAsync(answer, ct);
    }

    /// <summary>Waits (generously) for <paramref name="count"/> messages; returns what came either way.</summary>
    public Task<IReadOnlyList<byte[]>> WaitForAsync(int count, TimeSpan? timeout = null)
        => Eventually.ReadUntilAsync(() => Received, r => r.Count >= count, timeout, TimeSpan.FromMilliseconds(20));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
