using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class SdpParserTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public void ParsesGStreamersH264AndAacDescription()
    {
        var sdp = SdpParser.Parse(Fixture("gstreamer-h264-aac.sdp")).Value!;
        Assert.Equal(2, sdp.Media.Count);
        Assert.Equal("*", sdp.Control);
        var (tracks, skipped) = SdpTrackMapper.Map(sdp, "rtsp://127.0.0.1:8554/cam/");
        Assert.Empty(skipped);
        var video = tracks[0];
        Assert.Equal(MediaCodec.H264, video.Codec);
        Assert.Equal(96, video.PayloadType);
        Assert.Equal(90000, video.ClockRate);
        Assert.Equal("rtsp://127.0.0.1:8554/cam/stream=0", video.ControlUrl);
        Assert.Equal(2, video.Parameters.Count);
        Assert.Equal(7, video.Parameters[0][0] & 0x1F);
        Assert.Equal(8, video.Parameters[1][0] & 0x1F);
        var sps = H264Sps.TryParse(video.Parameters[0])!;
        Assert.Equal((1280, 720), (sps.Width, sps.Height));
        var audio = tracks[1];
        Assert.Equal(MediaCodec.Aac, audio.Codec);
        Assert.Equal(16000, audio.ClockRate);
        Assert.Equal(1, audio.Channels);
        Assert.Equal(Convert.FromHexString("140856e500"), audio.Parameters[0]);
        Assert.Equal("13", audio.Fmtp["sizelength"]);
    }

    [Fact]
    public void ParsesGStreamersH265Description()
    {
        var sdp = SdpParser.Parse(Fixture("gstreamer-h265-640x360.sdp")).Value!;
        var track = SdpTrackMapper.Map(sdp, "rtsp://127.0.0.1:8554/cam/").Tracks.Single();
        Assert.Equal(MediaCodec.H265, track.Codec);
        Assert.Equal([32, 33, 34], track.Parameters.Select(p => (p[0] >> 1) & 0x3F));
        var sps = H265Sps.TryParse(track.Parameters[1])!;
        Assert.Equal((640, 360), (sps.Width, sps.Height));
    }

    [Fact]
    public void StaticPayloadTypesNeedNoRtpmapAndUnknownCodecsAreSkippedWithAReason()
    {
        var text = "v=0\r\ns=-\r\nm=audio 0 RTP/AVP 0\r\na=control:trackID=1\r\nm=video 0 RTP/AVP 98\r\na=rtpmap:98 VP8/90000\r\nm=video 0 RTP/AVP 99\r\nm=application 0 RTP/AVP 107\r\na=rtpmap:107 vnd.onvif.metadata/90000\r\n";
        var (tracks, skipped) = SdpTrackMapper.Map(SdpParser.Parse(text).Value!, "rtsp://c/s");
        var pcmu = Assert.Single(tracks);
        Assert.Equal(MediaCodec.Pcmu, pcmu.Codec);
        Assert.Equal("rtsp://c/s/trackID=1", pcmu.ControlUrl);
        Assert.Contains(skipped, s => s.Contains("unsupported codec VP8/90000"));
        Assert.Contains(skipped, s => s.Contains("payload type 99 has no a=rtpmap"));
        Assert.Contains(skipped, s => s.Contains("vnd.onvif.metadata"));
    }

    [Fact]
    public void BrokenSpropParametersAreNotedNotFatal()
    {
        var text = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets=!!!notbase64,aM48gA==\r\n";
        var (tracks, skipped) = SdpTrackMapper.Map(SdpParser.Parse(text).Value!, "rtsp://c/s");
        Assert.Single(tracks[0].Parameters);
        Assert.Contains(skipped, s => s.Contains("is not base64"));
    }

    [Theory]
    [InlineData("", "empty session description")]
    [InlineData("s=no version\r\n", "does not start with v=")]
    [InlineData("v=1\r\n", "unsupported SDP version")]
    [InlineData("garbage\r\n", "is not '<type>=<value>'")]
    [InlineData("v=0\r\nm=video\r\n", "m= line needs")]
    [InlineData("v=0\r\nm=video 99999 RTP/AVP 96\r\n", "invalid port")]
    [InlineData("v=0\r\nm=video 0 RTP/AVP 300\r\n", "invalid RTP payload type")]
    public void StructuralFaultsAreErrors(string text, string error) =>
        Assert.Contains(error, SdpParser.Parse(text).Failure?.Message);

    [Fact]
    public void MalformedAttributesBecomeWarnings()
    {
        var text = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96\r\na=rtpmap:abc H264/90000\r\na=fmtp:xx a=b\r\na=rtpmap:96 H264/0\r\nthis is junk\r\na=\r\n";
        var sdp = SdpParser.Parse(text).Value!;
        Assert.Equal(6, sdp.Warnings.Count);
        Assert.Contains("payload type 96 has no a=rtpmap", SdpTrackMapper.Map(sdp, "rtsp://c/").Skipped.Single());
    }

    [Fact]
    public void HugeDescriptionsAreRefused()
    {
        Assert.Contains("larger than", SdpParser.Parse("v=0\r\n" + new string('a', 70_000)).Failure?.Message);
        Assert.Contains("more than 2000 lines", SdpParser.Parse("v=0\r\n" + string.Concat(Enumerable.Repeat("a=x\n", 2001))).Failure?.Message);
        Assert.Contains("more than 16 media", SdpParser.Parse("v=0\r\n" + string.Concat(Enumerable.Repeat("m=video 0 RTP/AVP 96\r\n", 17))).Failure?.Message);
        Assert.Contains("longer than", SdpParser.Parse("v=0\r\ns=" + new string('x', 9000) + "\r\n").Failure?.Message);
    }

    [Fact]
    public void SeededMutationsNeverThrow()
    {
        var random = new Random(4566);
        var valid = Fixture("gstreamer-h264-aac.sdp");
        for (var i = 0; i < 3000; i++)
        {
            var chars = valid.ToCharArray();
            for (var m = random.Next(1, 20); m > 0; m--) chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
            var text = new string(chars, 0, random.Next(chars.Length / 2, chars.Length));
            var result = SdpParser.Parse(text);
            if (!result.IsOk)
            {
                Assert.False(string.IsNullOrEmpty(result.Failure?.Message));
                continue;
            }
            var (tracks, _) = SdpTrackMapper.Map(result.Value!, "rtsp://127.0.0.1/cam/");
            foreach (var t in tracks)
                foreach (var p in t.Parameters)
                {
                    H264Sps.TryParse(p);
                    H265Sps.TryParse(p);
                }
        }
    }
}
