using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>
/// Interleaved RTP that arrives with (or before) the PLAY response: a real camera sends its first keyframe right
/// behind the response, in the same TCP segment. The observer must still hear OnPlaying first and lose nothing.
/// </summary>
public sealed class EarlyRtpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>One single-NAL IDR frame per RTP packet (marker set), as an interleaved frame on channel 0.</summary>
    private static byte[] Frames(int first, int count)
    {
        var bytes = new List<byte>();
        for (var i = first; i < first + count; i++)
        {
            var packet = RtpTests.Packet((ushort)i, (uint)(90000 + i * 3600), true, [0x65, 0x88, 0x84, (byte)i, 1, 2, 3]);
            bytes.AddRange([(byte)'$', 0, (byte)(packet.Length >> 8), (byte)packet.Length]);
            bytes.AddRange(packet);
        }
        return bytes.ToArray();
    }

    [Fact]
    public async Task RtpInTheSameSegmentAsThePlayResponseReachesTheObserverAfterOnPlaying()
    {
        await using var server = ScriptedRtspServer.Start(playStatus: "200 OK", beforePlay: [], afterPlay: Frames(0, 10));
        var buffers = new CountingPool();
        var units = new AccessUnitPool(buffers);
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { Pool = buffers, Units = units }, observer);
        var outcome = await PullObserver.RunUntilAsync(session, () => observer.Count(MediaCodec.H264) >= 10, Patience);

        Assert.True(outcome.Played, outcome.Message);
        Assert.Equal(0, observer.UnitsBeforePlaying);
        var video = observer.Units;
        Assert.Equal(10, video.Count);
        Assert.True(video[0].Key, "the first keyframe was not lost");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 3600L), video.Select(v => v.Timestamp - video[0].Timestamp));
        Assert.Equal((0L, 0L), (buffers.Outstanding, units.Outstanding));
    }

    [Fact]
    public async Task RtpBeforeThePlayResponseIsKeptUpToALimitAndTheRestDropped()
    {
        // Hostile or broken: 100 frames before the response. The first 64 wait for OnPlaying, the other 36 are dropped.
        await using var server = ScriptedRtspServer.Start(playStatus: "200 OK", beforePlay: Frames(0, 100), afterPlay: []);
        var buffers = new CountingPool();
        var units = new AccessUnitPool(buffers);
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { Pool = buffers, Units = units }, observer);
        var outcome = await PullObserver.RunUntilAsync(session, () => observer.Count(MediaCodec.H264) >= 64, Patience);

        Assert.True(outcome.Played, outcome.Message);
        Assert.Equal(0, observer.UnitsBeforePlaying);
        var video = observer.Units;
        Assert.Equal(Enumerable.Range(0, 64).Select(i => i * 3600L), video.Select(v => v.Timestamp - video[0].Timestamp));
        Assert.Equal((0L, 0L), (buffers.Outstanding, units.Outstanding));
    }

    [Fact]
    public async Task RtpBeforeARefusedPlayIsReleasedAndNeverDelivered()
    {
        await using var server = ScriptedRtspServer.Start(playStatus: "454 Session Not Found", beforePlay: Frames(0, 20), afterPlay: []);
        var buffers = new CountingPool();
        var units = new AccessUnitPool(buffers);
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { Pool = buffers, Units = units }, observer);
        var outcome = await session.RunAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(RtspPullEnd.RequestFailed, outcome.End);
        Assert.Equal("PLAY: 454 Session Not Found", outcome.Message);
        Assert.Null(observer.Description);
        Assert.Empty(observer.Units);
        Assert.Equal((0L, 0L), (buffers.Outstanding, units.Outstanding));
        Assert.True(units.Created > 0, "units were made from the early RTP");
    }

    /// <summary>A scripted RTSP server on loopback: one H.264 track over TCP interleaved, PLAY answered as told.</summary>
    private sealed class ScriptedRtspServer : IAsyncDisposable
    {
        private const string Sdp =
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=scripted\r\nt=0 0\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\n" +
            "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAH9oBQBbsBagICAoAAAMAAgAAAwBlHjBlQA==,aM48gA==\r\n" +
            "a=control:stream=0\r\n";

        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serve;

        private ScriptedRtspServer(TcpListener listener, string playStatus, byte[] beforePlay, byte[] afterPlay)
        {
            _listener = listener;
            Url = $"rtsp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/cam";
            _serve = Task.Run(() => ServeAsync(playStatus, beforePlay, afterPlay, _stop.Token));
        }

        public string Url { get; }

        public static ScriptedRtspServer Start(string playStatus, byte[] beforePlay, byte[] afterPlay)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new ScriptedRtspServer(listener, playStatus, beforePlay, afterPlay);
        }

        private async Task ServeAsync(string playStatus, byte[] beforePlay, byte[] afterPlay, CancellationToken ct)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                while (await ReadRequestAsync(stream, ct) is { } request)
                {
                    var method = request[..request.IndexOf(' ', StringComparison.Ordinal)];
                    var cseq = request.Split("\r\n").First(l => l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))[5..].Trim();
                    var head = $"CSeq: {cseq}\r\n";
                    var answer = method switch
                    {
                        "OPTIONS" => Ascii($"RTSP/1.0 200 OK\r\n{head}Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n\r\n"),
                        "DESCRIBE" => Ascii($"RTSP/1.0 200 OK\r\n{head}Content-Base: {Url}/\r\nContent-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}"),
                        "SETUP" => Ascii($"RTSP/1.0 200 OK\r\n{head}Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 4711;timeout=60\r\n\r\n"),
                        "PLAY" => [.. beforePlay, .. Ascii($"RTSP/1.0 {playStatus}\r\n{head}Session: 4711\r\n\r\n"), .. afterPlay],
                        _ => Ascii($"RTSP/1.0 200 OK\r\n{head}Session: 4711\r\n\r\n"),
                    };
                    await stream.WriteAsync(answer, ct); // one write: frames and response in the same segment
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }

        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        /// <summary>The next request head, skipping interleaved frames (RTCP receiver reports); null at the end.</summary>
        private static async Task<string?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (await stream.ReadAsync(one, ct) == 1)
            {
                if (head.Count == 0 && one[0] == (byte)'$')
                {
                    var header = new byte[3];
                    await stream.ReadExactlyAsync(header, ct);
                    var skip = ArrayPool<byte>.Shared.Rent(65536);
                    await stream.ReadExactlyAsync(skip.AsMemory(0, (header[1] << 8) | header[2]), ct);
                    ArrayPool<byte>.Shared.Return(skip);
                    continue;
                }
                head.Add(one[0]);
                if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                    return Encoding.ASCII.GetString(head.ToArray());
            }
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _serve.WaitAsync(Patience);
            _stop.Dispose();
        }
    }
}
