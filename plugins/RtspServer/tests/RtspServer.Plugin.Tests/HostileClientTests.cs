using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// Hostile and broken clients: each gets a clear status or a closed connection, and a good client on its own
/// connection keeps getting OPTIONS answered within 2 s throughout (the requirement).
/// </summary>
public sealed class HostileClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_bad_request_gets_a_status_or_a_closed_connection_while_a_good_client_is_answered_within_two_seconds()
    {
        await using var rig = await ServerRig.StartAsync();
        await using var good = new GoodClient(rig.Port, rig.Url);

        // No CSeq: 400 (and no CSeq in the answer).
        Assert.StartsWith("RTSP/1.0 400", await ExchangeAsync(rig.Port, $"OPTIONS {rig.Url} RTSP/1.0\r\n\r\n"));
        // A 1 MB header, 10,000 headers, a 64 KB URI, binary garbage: 400 and the connection closed.
        Assert.StartsWith("RTSP/1.0 400", await ExchangeAsync(rig.Port, $"OPTIONS {rig.Url} RTSP/1.0\r\nCSeq: 1\r\nX-Big: {new string('a', 1 << 20)}\r\n\r\n", expectClose: true));
        var many = new StringBuilder($"OPTIONS {rig.Url} RTSP/1.0\r\nCSeq: 1\r\n");
        for (var i = 0; i < 10_000; i++) many.Append("X-H").Append(i).Append(": v\r\n");
        Assert.StartsWith("RTSP/1.0 400", await ExchangeAsync(rig.Port, many.Append("\r\n").ToString(), expectClose: true));
        Assert.StartsWith("RTSP/1.0 400", await ExchangeAsync(rig.Port, $"DESCRIBE rtsp://127.0.0.1/{new string('u', 64 * 1024)} RTSP/1.0\r\nCSeq: 1\r\n\r\n", expectClose: true));
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x01;
        Assert.StartsWith("RTSP/1.0 400", await ExchangeBytesAsync(rig.Port, garbage, expectClose: true));

        // Bad Transport headers: 461 for what is not offered, 400 for what is not a transport.
        foreach (var (transport, status) in new[]
                 {
                     ("RTP/AVP;multicast", "461"), ("RTP/SAVP;unicast;client_port=5000-5001", "461"), ("RTP/AVP;unicast", "461"),
                     ("RTP/AVP;unicast;client_port=99999-100000", "461"), ("RTP/AVP/TCP;interleaved=300-301", "461"), (new string('x', 2000), "400"),
                 })
        {
            var answer = await ExchangeAsync(rig.Port, $"SETUP {rig.Url}/trackID=0 RTSP/1.0\r\nCSeq: 2\r\nTransport: {transport}\r\n\r\n");
            Assert.True(answer.StartsWith($"RTSP/1.0 {status}", StringComparison.Ordinal), $"Transport '{transport[..Math.Min(40, transport.Length)]}': {answer}");
        }

        // An interleaved frame claiming 65,535 bytes that never come, and a slowloris: closed by the server.
        Assert.True(await ClosedByServerAsync(rig.Port, [(byte)'$', 0, 0xFF, 0xFF, 1, 2, 3]), "a truncated 65,535-byte frame kept the connection open");
        Assert.True(await SlowlorisClosedAsync(rig.Port, rig.Url), "a slowloris kept its connection");

        // A '$' flood (frames of 0x2424 bytes, all junk): consumed as interleaved frames, then the connection still answers.
        using (var flood = new TcpClient())
        {
            await flood.ConnectAsync("127.0.0.1", rig.Port);
            var stream = flood.GetStream();
            var dollars = Encoding.ASCII.GetBytes(new string('$', 0x2428 * 100));
            await stream.WriteAsync(dollars);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"OPTIONS {rig.Url} RTSP/1.0\r\nCSeq: 9\r\n\r\n"));
            Assert.StartsWith("RTSP/1.0 200", await ReadHeadAsync(stream));
        }

        // 200 idle connections held open at once.
        var idle = new List<TcpClient>();
        for (var i = 0; i < 200; i++)
        {
            var c = new TcpClient();
            await c.ConnectAsync("127.0.0.1", rig.Port);
            idle.Add(c);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.StartsWith("RTSP/1.0 200", await ExchangeAsync(rig.Port, $"OPTIONS {rig.Url} RTSP/1.0\r\nCSeq: 3\r\n\r\n"));
        foreach (var c in idle) c.Dispose();

        var (answered, slowest) = await good.StopAsync();
        Console.WriteLine($"good client: {answered} OPTIONS answered, slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.True(answered > 20, $"only {answered} OPTIONS answered");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"an OPTIONS took {slowest.TotalMilliseconds:F0} ms");
    }

    private static Task<string> ExchangeAsync(int port, string request, bool expectClose = false) =>
        ExchangeBytesAsync(port, Encoding.ASCII.GetBytes(request), expectClose);

    /// <summary>Sends, reads the response head; with <paramref name="expectClose"/> also checks the server closed after it.</summary>
    private static async Task<string> ExchangeBytesAsync(int port, byte[] request, bool expectClose = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        try { await stream.WriteAsync(request).AsTask().WaitAsync(Patience); }
        catch (IOException) { } // the server may close before reading everything; its answer is still there to read
        var head = await ReadHeadAsync(stream);
        if (expectClose)
        {
            var rest = new byte[1024];
            using var cts = new CancellationTokenSource(Patience);
            int n;
            try { while ((n = await stream.ReadAsync(rest, cts.Token)) > 0) { } }
            catch (IOException) { }
        }
        return head;
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(Patience);
        return await MessageHead.ReadAsync(stream, 64 * 1024, cts.Token);
    }

    private static async Task<bool> ClosedByServerAsync(int port, byte[] data)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(data);
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[256];
        try { while (await stream.ReadAsync(buffer, cts.Token) > 0) { } }
        catch (IOException) { }
        catch (OperationCanceledException) { return false; }
        return true;
    }

    private static async Task<bool> SlowlorisClosedAsync(int port, string url)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var text = Encoding.ASCII.GetBytes($"OPTIONS {url} RTSP/1.0\r\nCSeq: 1\r\nX-Slow: " + new string('s', 200));
        var watch = Stopwatch.StartNew();
        foreach (var b in text)
        {
            try { await stream.WriteAsync(new[] { b }); }
            catch (IOException) { return true; }
            await Task.Delay(500);
            if (watch.Elapsed > Patience) return false;
            if (tcp.Client.Poll(0, SelectMode.SelectRead) && tcp.Client.Available == 0) return true;
        }
        return false;
    }

    /// <summary>Sends OPTIONS every 200 ms on its own connection (reconnecting if needed) and keeps the slowest answer time.</summary>
    private sealed class GoodClient : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(int, TimeSpan)> _loop;

        public GoodClient(int port, string url) => _loop = Task.Run(async () =>
        {
            var answered = 0;
            var slowest = TimeSpan.Zero;
            RawRtspClient? client = null;
            while (!_stop.IsCancellationRequested)
            {
                client ??= await RawRtspClient.ConnectAsync(port);
                var watch = Stopwatch.StartNew();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var response = await client.RequestAsync("OPTIONS", url, null, deadline.Token);
                watch.Stop();
                Assert.Equal(200, response.StatusCode);
                answered++;
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;
                try { await Task.Delay(200, _stop.Token); } catch (OperationCanceledException) { }
            }
            if (client is not null) await client.DisposeAsync();
            return (answered, slowest);
        });

        public async Task<(int Answered, TimeSpan Slowest)> StopAsync()
        {
            _stop.Cancel();
            return await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            try { await _loop; } catch (Exception) { }
        }
    }
}
