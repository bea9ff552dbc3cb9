using System.Globalization;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Probing;
using Appliance.Plugins.Rtsp.Tests.Shared;
using Appliance.Testing;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>
/// The stream probe (DESCRIBE, SETUP, PLAY, first keyframe) against a real GStreamer camera, cross-checked with
/// ffprobe, and against peers that refuse, stay silent after PLAY or answer garbage: each gives its reason.
/// </summary>
public sealed class StreamProbeTests
{
    private static readonly TimeSpan ProbeTime = TimeSpan.FromSeconds(10);

    private static Task<Appliance.Abstractions.Result<StreamFacts>> ProbeAsync(string url, string? user = null, string? password = null, TimeSpan? time = null) =>
        RtspStreamProbe.RunAsync(new RtspPullOptions(url) { UserName = user, Password = password }, time ?? ProbeTime, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>ffprobe's "codec,width,height,rate" in the probe's terms (codec name upper-case as in the SDP, hevc = H265).</summary>
    private static string AsFfprobe(StreamFacts facts) =>
        $"{(facts.Codec == "H265" ? "hevc" : facts.Codec.ToLowerInvariant())},{facts.Width},{facts.Height},{facts.Fps?.ToString(CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task AGoodH264StreamGivesTheCodecSizeAndRateFfprobeSees()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 800 --height 448 --fps 15");
        var probed = await ProbeAsync(server.Url);

        Assert.True(probed.IsOk, probed.Failure?.ToString());
        Assert.Equal(RtspTransportMode.Tcp, probed.Value.Transport);
        Assert.Equal(await Probe.VideoWithRateAsync(server.Url), AsFfprobe(probed.Value));
        Assert.Equal("h264,800,448,15", AsFfprobe(probed.Value));
        await Eventually.UntilAsync(() => server.Teardowns >= 1, "the probe tore its session down", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AnH265StreamWithoutSignalledTimingGetsItsRateFromTheTimestamps()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--codec h265 --width 640 --height 360 --fps 20 --audio pcmu");
        var probed = await ProbeAsync(server.Url);

        Assert.True(probed.IsOk, probed.Failure?.ToString());
        Assert.Equal("PCMU", probed.Value.Audio);
        Assert.Equal(await Probe.VideoWithRateAsync(server.Url), AsFfprobe(probed.Value));
    }

    [Fact]
    public async Task AWrongPathIsThePathReasonWithDescribes404()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp());
        var probed = await ProbeAsync(server.Url.Replace("/cam", "/nothing-here", StringComparison.Ordinal));

        Assert.False(probed.IsOk);
        Assert.Equal(StreamProbeFailure.Path, probed.Failure!.Code);
        Assert.Equal("DESCRIBE: 404 Not Found", probed.Failure.Message);
    }

    [Fact]
    public async Task WrongOrMissingCredentialsAreTheAuthReason()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--user admin --password right");

        var wrong = await ProbeAsync(server.Url, "admin", "wrong");
        var none = await ProbeAsync(server.Url);
        var right = await ProbeAsync(server.Url, "admin", "right");

        Assert.Equal(StreamProbeFailure.Auth, wrong.Failure?.Code);
        Assert.Contains("401", wrong.Failure!.Message);
        Assert.Equal(StreamProbeFailure.Auth, none.Failure?.Code);
        Assert.True(right.IsOk, right.Failure?.ToString());
    }

    [Fact]
    public async Task AServerThatPlaysButNeverSendsVideoIsTheKeyframeTimeout()
    {
        using var server = new ScriptedRtspServer((_, _) => null);
        var probed = await ProbeAsync(server.Url, time: TimeSpan.FromSeconds(2));

        Assert.Equal(StreamProbeFailure.NoKeyframe, probed.Failure?.Code);
        Assert.StartsWith("the stream played but no keyframe arrived within 2 s (0 RTP packets", probed.Failure!.Message);
        Assert.Contains(server.Requests, r => r.StartsWith("PLAY ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("m=video 0 RTP/AVP 26\r\na=control:track1\r\n", "no track could be set up")]
    [InlineData("m=video 0 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=control:track1\r\n", "unsupported codec VP8/90000")]
    [InlineData("m=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=control:track1\r\n", "no H.264 or H.265 video track (only PCMU)")]
    public async Task AStreamWithoutUsableVideoIsTheCodecReason(string media, string said)
    {
        using var server = new ScriptedRtspServer((_, _) => null, sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=other\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" + media);
        var probed = await ProbeAsync(server.Url, time: TimeSpan.FromSeconds(3));

        Assert.Equal(StreamProbeFailure.Codec, probed.Failure?.Code);
        Assert.Contains(said, probed.Failure!.Message);
    }

    [Fact]
    public async Task ASetupRefusalIsTheTransportReason()
    {
        using var server = new ScriptedRtspServer((_, _) => "461 Unsupported Transport");
        var probed = await ProbeAsync(server.Url);

        Assert.Equal(StreamProbeFailure.Transport, probed.Failure?.Code);
        Assert.Contains("461", probed.Failure!.Message);
    }

    [Fact]
    public async Task ACameraAnswering503IsAskedAgainUntilItPlays()
    {
        // gst-rtsp-server answers 503 to a DESCRIBE that arrives while its shared media is still being torn down
        // (seen in CI right after an automatic transport's refused TCP try); busy cameras answer it too.
        using var server = new ScriptedRtspServer((_, _) => null, describe: connection => connection <= 2 ? "503 Service Unavailable" : null);
        var probed = await ProbeAsync(server.Url, time: TimeSpan.FromSeconds(4));

        Assert.Equal(StreamProbeFailure.NoKeyframe, probed.Failure?.Code);
        Assert.Equal(3, server.Connections);
        Assert.Contains(server.Requests, r => r.StartsWith("PLAY ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACameraThatStaysBusyIsTheBusyReasonWithinTheProbesTime()
    {
        using var server = new ScriptedRtspServer((_, _) => null, describe: _ => "503 Service Unavailable");
        var started = TimeProvider.System.GetTimestamp();
        var probed = await ProbeAsync(server.Url, time: TimeSpan.FromSeconds(2));

        Assert.Equal((StreamProbeFailure.Busy, "DESCRIBE: 503 Service Unavailable"), (probed.Failure?.Code, probed.Failure?.Message));
        Assert.InRange(server.Connections, 2, 5);
        // Each try starts within the probe's 2 s; the bound here is loose only for a loaded machine.
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(10), "the retries stop when the probe's time is up");
    }

    [Fact]
    public async Task NothingListeningIsUnreachable()
    {
        var probed = await ProbeAsync($"rtsp://127.0.0.1:{FreePort.Tcp()}/cam");
        Assert.Equal(StreamProbeFailure.Unreachable, probed.Failure?.Code);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "protocol error")]
    [InlineData("\u0000\u0001\u0002garbage", "protocol error")]
    [InlineData("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 50000000\r\n\r\n", "exceeds")]
    [InlineData("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Le", "closed")]
    public async Task HostileAnswersAreUnreachableWithAClearMessage(string answer, string said)
    {
        await using var server = new RecordingTcpServer(_ => Encoding.Latin1.GetBytes(answer), readToEnd: false);
        var probed = await ProbeAsync($"rtsp://127.0.0.1:{server.Port}/cam", time: TimeSpan.FromSeconds(3));

        Assert.Equal(StreamProbeFailure.Unreachable, probed.Failure?.Code);
        Assert.Contains(said, probed.Failure!.Message);
    }

    [Fact]
    public async Task AnOversizedHeadIsUnreachableWithAClearMessage()
    {
        var answer = "RTSP/1.0 200 OK\r\nCSeq: 1\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-Filler-{i}: {new string('z', 100)}\r\n"));
        await using var server = new RecordingTcpServer(_ => Encoding.ASCII.GetBytes(answer), readToEnd: false);
        var probed = await ProbeAsync($"rtsp://127.0.0.1:{server.Port}/cam", time: TimeSpan.FromSeconds(3));

        Assert.Equal(StreamProbeFailure.Unreachable, probed.Failure?.Code);
        Assert.Contains("more than 64 headers", probed.Failure!.Message);
    }

    [Fact]
    public async Task AnUnusableUrlIsRefusedBeforeAnythingIsSent()
    {
        var probed = await ProbeAsync("http://127.0.0.1/cam");
        Assert.Equal(StreamProbeFailure.InvalidUrl, probed.Failure?.Code);
    }
}
