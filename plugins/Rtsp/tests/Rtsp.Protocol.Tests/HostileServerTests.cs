using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>A TCP peer on loopback that answers the first request with hostile bytes: the session must end with a clear reason.</summary>
public sealed class HostileServerTests
{
    private static async Task<RtspPullOutcome> AgainstAsync(byte[] answer, bool close)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await ReadRequestAsync(stream);
            await stream.WriteAsync(answer);
            if (!close) await Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        });
        var session = new RtspPullSession(new RtspPullOptions($"rtsp://127.0.0.1:{port}/cam") { RequestTimeout = TimeSpan.FromSeconds(3) }, new PullObserver());
        var outcome = await session.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        listener.Stop();
        return outcome;
    }

    /// <summary>Reads one request head (up to the blank line).</summary>
    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        var last = new Queue<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            last.Enqueue(one[0]);
            if (last.Count > 4) last.Dequeue();
            if (last.SequenceEqual("\r\n\r\n"u8.ToArray())) return;
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", "protocol error: malformed request line")]
    [InlineData("RTSP/1.0 2xx OK\r\nCSeq: 1\r\n\r\n", "protocol error: malformed status code")]
    [InlineData("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: -1\r\n\r\n", "protocol error: invalid Content-Length '-1'")]
    [InlineData("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 50000000\r\n\r\n", "protocol error: Content-Length 50000000 exceeds")]
    [InlineData("\u0000\u0001\u0002", "protocol error: unexpected byte 0x00")]
    public async Task GarbageAnswersAreProtocolErrors(string answer, string expected)
    {
        var outcome = await AgainstAsync(Encoding.Latin1.GetBytes(answer), close: false);
        Assert.Equal(RtspPullEnd.ProtocolError, outcome.End);
        Assert.StartsWith(expected, outcome.Message);
    }

    [Fact]
    public async Task OversizedHeadersAreAProtocolError()
    {
        var answer = "RTSP/1.0 200 OK\r\nCSeq: 1\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-Filler-{i}: {new string('z', 100)}\r\n"));
        var outcome = await AgainstAsync(Encoding.ASCII.GetBytes(answer), close: false);
        Assert.Equal(RtspPullEnd.ProtocolError, outcome.End);
        Assert.Contains("more than 64 headers", outcome.Message);
    }

    [Fact]
    public async Task ATruncatedAnswerThenCloseIsAConnectionLoss()
    {
        var outcome = await AgainstAsync("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Le"u8.ToArray(), close: true);
        Assert.Equal(RtspPullEnd.ConnectionLost, outcome.End);
        Assert.Equal("server closed the connection", outcome.Message);
    }

    [Fact]
    public async Task SilenceIsARequestTimeout()
    {
        var outcome = await AgainstAsync([], close: false);
        Assert.Equal(RtspPullEnd.ConnectionLost, outcome.End);
        Assert.Equal("OPTIONS: no response within 3 s", outcome.Message);
    }

    [Fact]
    public async Task ABrokenSdpIsAProtocolError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            for (var cseq = 1; cseq <= 2; cseq++)
            {
                await ReadRequestAsync(stream);
                var body = cseq == 2 ? "m=video 0 RTP/AVP 96\r\n" : "";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
            }
            await Task.Delay(2000);
        });
        var outcome = await new RtspPullSession(new RtspPullOptions($"rtsp://127.0.0.1:{port}/cam"), new PullObserver())
            .RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RtspPullEnd.ProtocolError, outcome.End);
        Assert.Equal("SDP: session description does not start with v=", outcome.Message);
        await serve.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// A server that closes the connection between two requests (seen with one of 32 sessions joining a shared
    /// GStreamer stream at once, between SETUP and PLAY): the next request is a lost connection with the read loop's
    /// reason, never an InvalidOperationException that escapes <see cref="RtspPullSession.RunAsync"/>.
    /// </summary>
    [Fact]
    public async Task ARequestAfterTheServerClosedIsALostConnectionNotAnInvalidState()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
        });
        var client = new RtspClient(requestTimeout: TimeSpan.FromSeconds(3));
        await using (client)
        {
            await client.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None);
            await serve;
            await client.Completion.WaitAsync(TimeSpan.FromSeconds(30));

            var e = await Assert.ThrowsAsync<RtspConnectionException>(() => client.SendAsync("PLAY", $"rtsp://127.0.0.1:{port}/cam", null, CancellationToken.None));
            Assert.Equal("server closed the connection", e.Message);
        }
    }
}
