using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Appliance.Plugins.Rtsp.Tests.Shared;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>The client against a real GStreamer rtsp-server on loopback, cross-checked with ffprobe.</summary>
public sealed class GStreamerPullTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static List<int> NalTypes(byte[] annexB) => Annexb.Split(annexB).Select(n => n[0] & 0x1F).ToList();

    private static double MeasuredFps(IEnumerable<long> timestamps, int clock)
    {
        var ts = timestamps.ToList();
        return (ts.Count - 1) / ((ts[^1] - ts[0]) / (double)clock);
    }

    [Fact]
    public async Task H264OverTcpGivesKeyframesWithParameterSetsAtTheSourceRateAndSize()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp());
        var pool = new CountingPool();
        var units = new AccessUnitPool(pool);
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url) { Pool = pool, Units = units }, observer);
        var outcome = await PullObserver.RunUntilAsync(session, () => observer.Count(MediaCodec.H264) >= 75, Patience);

        Assert.Equal(RtspPullEnd.Stopped, outcome.End);
        Assert.True(outcome.Played);
        Assert.Equal(RtspTransportMode.Tcp, observer.Description!.Transport);
        var video = observer.Units.Where(u => u.Codec == MediaCodec.H264).ToList();
        Assert.True(video.Count >= 75, $"{video.Count} units: {outcome.Message}");
        Assert.True(video[0].Key, "the stream starts at a keyframe");
        var keys = video.Where(v => v.Key).ToList();
        Assert.All(keys, k => Assert.Subset(NalTypes(k.Data).ToHashSet(), new HashSet<int> { 7, 8, 5 }));
        Assert.All(video.Where(v => !v.Key), v => Assert.DoesNotContain(5, NalTypes(v.Data)));
        var sps = Annexb.Split(keys[0].Data).First(n => (n[0] & 0x1F) == 7);
        var parsed = H264Sps.TryParse(sps)!;
        Assert.Equal((1280, 720), (parsed.Width, parsed.Height));
        var fps = MeasuredFps(video.Select(v => v.Timestamp), 90000);
        Assert.InRange(fps, 23, 27);
        Assert.Equal(video.Select(v => v.Timestamp).Order(), video.Select(v => v.Timestamp));
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, units.Outstanding);
        // The observer releases each unit at once: a handful of unit objects carried every frame.
        Assert.True(units.Created < video.Count, $"{units.Created} unit objects for {video.Count} frames");
        Assert.True(session.Snapshot()[0].PacketsReceived > video.Count);
        Assert.Equal(0, session.Snapshot()[0].PacketsLost);

        // ffprobe, an independent client, sees the same codec and size.
        Assert.Equal("h264,1280,720", await Probe.VideoAsync(server.Url));
        await Eventually.UntilAsync(() => server.Teardowns >= 1, "the camera saw the TEARDOWN", Patience);
    }

    [Fact]
    public async Task H264AndAacOverUdpWithReceiverReports()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--audio aac --width 640 --height 360");
        var pool = new CountingPool();
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url)
        {
            Pool = pool,
            Transport = RtspTransportMode.Udp,
            UdpPorts = new LoopbackUdpPorts(),
            ReceiverReportInterval = TimeSpan.FromMilliseconds(300),
        }, observer);
        var outcome = await PullObserver.RunUntilAsync(session,
            () => observer.Count(MediaCodec.H264) >= 40 && observer.Count(MediaCodec.Aac) >= 20 && session.ReceiverReportsSent >= 2, Patience);

        Assert.True(outcome.End == RtspPullEnd.Stopped, outcome.Message);
        Assert.Equal(RtspTransportMode.Udp, observer.Description!.Transport);
        Assert.True(session.ReceiverReportsSent >= 2);
        var audio = observer.Units.Where(u => u.Codec == MediaCodec.Aac).ToList();
        Assert.True(audio.Count >= 20);
        var steps = audio.Zip(audio.Skip(1), (a, b) => b.Timestamp - a.Timestamp).ToList();
        Assert.All(steps, s => Assert.Equal(1024, s));
        var video = observer.Units.Where(u => u.Codec == MediaCodec.H264).ToList();
        Assert.True(video[0].Key);
        Assert.InRange(MeasuredFps(video.Select(v => v.Timestamp), 90000), 23, 27);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal("h264,640,360", await Probe.VideoAsync(server.Url, "udp"));
    }

    [Fact]
    public async Task H265WithPcmuOverTcp()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--codec h265 --audio pcmu --width 640 --height 360 --bitrate 800");
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url), observer);
        var outcome = await PullObserver.RunUntilAsync(session,
            () => observer.Count(MediaCodec.H265) >= 30 && observer.Count(MediaCodec.Pcmu) >= 10, Patience);

        Assert.Equal(RtspPullEnd.Stopped, outcome.End);
        var video = observer.Units.Where(u => u.Codec == MediaCodec.H265).ToList();
        Assert.True(video.Count >= 30, outcome.Message);
        Assert.True(video[0].Key);
        var types = Annexb.Split(video[0].Data).Select(n => (n[0] >> 1) & 0x3F).ToList();
        Assert.Contains(32, types);
        Assert.Contains(33, types);
        Assert.Contains(34, types);
        Assert.Contains(types, t => t is >= 16 and <= 21);
        var sps = H265Sps.TryParse(Annexb.Split(video[0].Data).First(n => ((n[0] >> 1) & 0x3F) == 33))!;
        Assert.Equal((640, 360), (sps.Width, sps.Height));
        Assert.True(observer.Count(MediaCodec.Pcmu) >= 10);
        Assert.Equal(8000, observer.Description!.Tracks.Single(t => t.Codec == MediaCodec.Pcmu).ClockRate);
        Assert.Equal("hevc,640,360", await Probe.VideoAsync(server.Url));
    }

    [Fact]
    public async Task DigestAuthPlaysWithTheRightPasswordAndNamesTheWrongOne()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--user admin --password s3cret --width 320 --height 240");
        var good = new PullObserver();
        var ok = await PullObserver.RunUntilAsync(
            new RtspPullSession(new RtspPullOptions(server.Url) { UserName = "admin", Password = "s3cret" }, good),
            () => good.Count(MediaCodec.H264) >= 5, Patience);
        Assert.Equal(RtspPullEnd.Stopped, ok.End);
        Assert.True(good.Count(MediaCodec.H264) >= 5);

        var urlCredentials = new PullObserver();
        var viaUrl = await PullObserver.RunUntilAsync(
            new RtspPullSession(new RtspPullOptions(server.Url.Replace("rtsp://", "rtsp://admin:s3cret@")), urlCredentials),
            () => urlCredentials.Count(MediaCodec.H264) >= 5, Patience);
        Assert.True(viaUrl.Played);

        var bad = await new RtspPullSession(new RtspPullOptions(server.Url) { UserName = "admin", Password = "wrong" }, new PullObserver())
            .RunAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(RtspPullEnd.Unauthorized, bad.End);
        Assert.Equal("DESCRIBE: 401 Unauthorized", bad.Message);

        var none = await new RtspPullSession(new RtspPullOptions(server.Url), new PullObserver()).RunAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("DESCRIBE: 401 Unauthorized", none.Message);
    }

    [Fact]
    public async Task KeepAliveGoesOutWhilePlaying()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var observer = new PullObserver();
        var session = new RtspPullSession(new RtspPullOptions(server.Url)
        {
            KeepAliveInterval = TimeSpan.FromMilliseconds(300),
            ReceiverReportInterval = TimeSpan.FromMilliseconds(300),
        }, observer);
        var outcome = await PullObserver.RunUntilAsync(session, () => session.KeepAlivesSent >= 3 && session.ReceiverReportsSent >= 2, Patience);
        Assert.Equal(RtspPullEnd.Stopped, outcome.End);
        Assert.True(session.KeepAlivesSent >= 3);
        Assert.True(session.ReceiverReportsSent >= 2, "RTCP receiver reports go out interleaved over TCP too");
        Assert.True(observer.Description!.KeepAliveWithGetParameter);
        Assert.Equal(60, observer.Description.SessionTimeoutSeconds);
    }

    [Fact]
    public async Task AKilledServerEndsTheSessionWithAReasonNotAnException()
    {
        var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        try
        {
            var observer = new PullObserver();
            var session = new RtspPullSession(new RtspPullOptions(server.Url) { MediaTimeout = TimeSpan.FromSeconds(3) }, observer);
            using var cts = new CancellationTokenSource(Patience);
            var run = session.RunAsync(cts.Token);
            await Eventually.UntilAsync(() => observer.Count(MediaCodec.H264) >= 5, "five H.264 units arrived", Patience);
            server.Kill();
            var outcome = await run.WaitAsync(Patience);
            Assert.True(outcome.Played);
            Assert.Contains(outcome.End, new[] { RtspPullEnd.ConnectionLost, RtspPullEnd.MediaTimeout });
            Assert.False(string.IsNullOrEmpty(outcome.Message));
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task NothingListeningIsAConnectFailure()
    {
        var port = FreePort.Tcp();
        var outcome = await new RtspPullSession(new RtspPullOptions($"rtsp://127.0.0.1:{port}/cam"), new PullObserver())
            .RunAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(RtspPullEnd.ConnectFailed, outcome.End);
        Assert.Equal($"connect to 127.0.0.1:{port} failed: ConnectionRefused", outcome.Message);
        Assert.False(outcome.Played);
    }

    [Fact]
    public async Task AnUnknownPathIsARequestFailure()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var outcome = await new RtspPullSession(new RtspPullOptions(server.Url.Replace("/cam", "/nope")), new PullObserver())
            .RunAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(RtspPullEnd.RequestFailed, outcome.End);
        Assert.Equal("DESCRIBE: 404 Not Found", outcome.Message);
    }
}
