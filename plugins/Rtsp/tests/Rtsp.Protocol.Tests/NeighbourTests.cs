using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>What a hostile neighbour or a careless camera may do: ask for Basic in clear, inject RTP into our UDP ports.</summary>
public sealed class NeighbourTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AServerAskingForBasicOverPlainTcpGetsNoPassword()
    {
        using var server = new ScriptedRtspServer((_, _) => null, challenge: "Basic realm=\"camera\"");
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { UserName = "admin", Password = "s3cret", RequestTimeout = TimeSpan.FromSeconds(5) }, new PullObserver());
        var outcome = await session.RunAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(RtspPullEnd.Unauthorized, outcome.End);
        Assert.Contains("DESCRIBE: 401 Unauthorized", outcome.Message);
        Assert.Contains("Basic authentication over unencrypted RTSP", outcome.Message);
        Assert.NotEmpty(server.Requests);
        Assert.DoesNotContain(server.Requests, r => r.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(server.Requests, r => r.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret")), StringComparison.Ordinal));
    }

    [Fact]
    public async Task BasicIsSentOnlyWhenTheCameraIsExplicitlyAllowed()
    {
        using var server = new ScriptedRtspServer((_, _) => null, challenge: "Basic realm=\"camera\"");
        var session = new RtspPullSession(new RtspPullOptions(server.Url)
        {
            UserName = "admin",
            Password = "s3cret",
            AllowBasicAuth = true,
            MediaTimeout = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(5),
        }, new PullObserver());
        var outcome = await session.RunAsync(CancellationToken.None).WaitAsync(Patience);

        // The scripted server never sends media: the session plays, then ends for lack of RTP.
        Assert.Equal(RtspPullEnd.NoMediaAfterPlay, outcome.End);
        Assert.Equal("no RTP received within 1 s after PLAY over TCP", outcome.Message);
        var basic = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret"));
        Assert.Contains(server.Requests, r => r.StartsWith("DESCRIBE", StringComparison.Ordinal) && r.Contains(basic, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RtpFromAnotherSourceThanTheNegotiatedOneIsDroppedAndCounted()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var ports = new RecordingPorts();
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { Transport = RtspTransportMode.Udp, UdpPorts = ports }, observer);
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sent = 0;
        var outcome = await PullObserver.RunUntilAsync(session, () =>
        {
            if (observer.Count(MediaCodec.H264) < 10 || ports.Pairs.IsEmpty) return false;
            // A forged keyframe-looking RTP packet (version 2, PT 96) from the right address but not from the server's port.
            var rtp = ports.Pairs.First().RtpPort;
            for (var i = 0; i < 20 && sent < 200; i++, sent++)
            {
                var packet = new byte[] { 0x80, 96, 0, (byte)sent, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0x65, 0x88, 0x84, 0x00 };
                spoofer.SendTo(packet, new IPEndPoint(IPAddress.Loopback, rtp));
            }
            return sent >= 200 && session.Snapshot().Sum(t => t.ForeignSourceDatagrams) >= 200 && observer.Count(MediaCodec.H264) >= 50;
        }, Patience);

        Assert.Equal(RtspPullEnd.Stopped, outcome.End);
        var snapshot = session.Snapshot().Single();
        Assert.Equal(200, snapshot.ForeignSourceDatagrams);
        Assert.True(observer.Count(MediaCodec.H264) >= 50, "the real stream kept flowing");
        Assert.Equal(0, snapshot.InvalidPackets);
        Assert.Equal(0, snapshot.MalformedPayloads);
    }

    private sealed class RecordingPorts : IRtpPortAllocator
    {
        private readonly LoopbackUdpPorts _inner = new();

        public ConcurrentQueue<RtpPortPair> Pairs { get; } = new();

        public Result<RtpPortPair> Allocate()
        {
            var pair = _inner.Allocate();
            if (pair.IsOk) Pairs.Enqueue(pair.Value);
            return pair;
        }
    }
}
