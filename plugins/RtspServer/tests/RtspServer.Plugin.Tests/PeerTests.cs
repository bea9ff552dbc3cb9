using System.Text.RegularExpressions;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// Independent RTSP clients (FFmpeg, GStreamer rtspsrc) play a hub stream from the server. VLC cannot: Debian 12's VLC
/// is built without the live555 module, its only RTSP client (no --rtsp-tcp, no rtsp:// access).
/// </summary>
public sealed class PeerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Ffprobe_describes_the_stream_and_ffmpeg_decodes_it_without_errors(string transport)
    {
        await using var rig = await ServerRig.StartAsync();
        var probe = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", transport, "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", rig.Url], Deadline);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Equal("h264,640,360", probe.Stdout.Trim());

        var decode = await Peer.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-rtsp_transport", transport, "-i", rig.Url, "-frames:v", "50", "-f", "null", "-"], Deadline);
        Assert.True(decode.ExitCode == 0, decode.Stderr);
        // Joining at a keyframe with the parameter sets in the SDP: not one decoding error.
        Assert.True(decode.Stderr.Trim().Length == 0, decode.Stderr);
    }

    [Fact]
    public async Task Ffprobe_reads_h265_with_vps_sps_pps_and_aac_audio()
    {
        await using var rig = await ServerRig.StartAsync("--codec h265 --audio aac --width 640 --height 360");
        await ServerRig.Until(() => rig.Hub.Streams.Any(s => s.Name == ServerRig.StreamName && s.Tracks.Count == 2 && s.Tracks.All(t => t.Parameters.Count > 0)), "both tracks with parameters");
        var probe = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name,width,height,sample_rate", "-of", "csv=p=0", rig.Url], Deadline);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        var lines = probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("hevc,640,360", lines);
        Assert.Contains(lines, l => l.StartsWith("aac,", StringComparison.Ordinal) && l.Contains("16000"));
    }

    [Fact]
    public async Task Ffprobe_reads_g711_audio()
    {
        await using var rig = await ServerRig.StartAsync("--audio pcmu --width 640 --height 360");
        await ServerRig.Until(() => rig.Hub.Streams.Any(s => s.Name == ServerRig.StreamName && s.Tracks.Count == 2), "both tracks");
        var probe = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "udp", "-show_entries", "stream=codec_name,sample_rate", "-of", "csv=p=0", rig.Url], Deadline);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Contains("pcm_mulaw,8000", probe.Stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Gstreamer_rtspsrc_decodes_fifty_frames(string transport)
    {
        await using var rig = await ServerRig.StartAsync();
        var run = await Peer.RunAsync("gst-launch-1.0", ["-q", "rtspsrc", $"location={rig.Url}", $"protocols={transport}", "!", "rtph264depay", "!", "h264parse", "!",
            "avdec_h264", "!", "identity", "eos-after=50", "!", "fakesink"], Deadline);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
    }
}
