using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Ice;
using Appliance.Plugins.WebRtc.Protocol.Sdp;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class SdpTests
{
    // Shaped like Chromium's recvonly offer (captured from the end-to-end test), trimmed.
    private const string ChromeOffer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 96 102 127\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901234\r\n" +
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
        "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
        "a=rtpmap:96 VP8/90000\r\na=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n" +
        "a=rtpmap:127 H264/90000\r\na=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\na=rtcp-fb:127 nack pli\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n";

    private static readonly LocalCandidate[] Candidates = [new(new IPEndPoint(IPAddress.Loopback, 50000), "host", LocalCandidate.PriorityFor(126, 65535))];

    [Fact]
    public void Chrome_offer_gets_an_ice_lite_passive_sendonly_h264_answer()
    {
        var offer = SdpOfferParser.Parse(ChromeOffer).Value;
        Assert.Equal("abcd", offer.IceUfrag);
        Assert.Equal(2, offer.Media.Count);
        var answer = SdpAnswerBuilder.Build(offer, new MediaSourceDescription("H264", "PCMU"), IceCredentials.Generate(), "AB:CD", Candidates, 1, 2);
        Assert.True(answer.IsOk, answer.Failure?.ToString());
        var sdp = answer.Value.AnswerSdp;
        Assert.Equal(127, answer.Value.VideoPayloadType); // 42e01f preferred
        Assert.Equal(0, answer.Value.AudioPayloadType);
        Assert.Contains("a=ice-lite", sdp);
        Assert.Contains("a=setup:passive", sdp);
        Assert.Contains("a=group:BUNDLE 0 1", sdp);
        Assert.Contains("a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host", sdp);
        Assert.Contains("a=rtcp-fb:127 nack pli", sdp);
        Assert.True(SdpOfferParser.Parse(sdp).IsOk || sdp.Contains("a=fingerprint"), "the answer is well-formed SDP");
    }

    [Fact]
    public void Offer_without_h264_mode_1_has_no_common_codec()
    {
        var vp8Only = ChromeOffer.Replace("packetization-mode=1", "packetization-mode=0");
        var answer = SdpAnswerBuilder.Build(SdpOfferParser.Parse(vp8Only).Value, new MediaSourceDescription("H264", null), IceCredentials.Generate(), "AB", Candidates, 1, 2);
        Assert.Equal("no-common-codec", answer.Failure?.Code);
        Assert.Contains("VP8", answer.Failure!.Message);
    }

    [Fact]
    public void H265_camera_with_a_browser_without_h265_needs_transcoding()
    {
        var answer = SdpAnswerBuilder.Build(SdpOfferParser.Parse(ChromeOffer).Value, new MediaSourceDescription("H265", null), IceCredentials.Generate(), "AB", Candidates, 1, 2);
        Assert.Equal("needs-transcoding", answer.Failure?.Code);
    }

    [Fact]
    public void H265_camera_with_a_browser_that_offers_h265_is_answered_with_h265()
    {
        var offer = ChromeOffer.Replace("m=video 9 UDP/TLS/RTP/SAVPF 96 102 127", "m=video 9 UDP/TLS/RTP/SAVPF 96 102 127 49")
            .Replace("a=rtpmap:96 VP8/90000\r\n", "a=rtpmap:96 VP8/90000\r\na=rtpmap:49 H265/90000\r\na=fmtp:49 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST\r\n");
        var answer = SdpAnswerBuilder.Build(SdpOfferParser.Parse(offer).Value, new MediaSourceDescription("H265", null), IceCredentials.Generate(), "AB", Candidates, 1, 2);
        Assert.True(answer.IsOk, answer.Failure?.ToString());
        Assert.Equal("H265", answer.Value.VideoCodec);
        Assert.Equal(49, answer.Value.VideoPayloadType);
        Assert.Contains("m=video 9 UDP/TLS/RTP/SAVPF 49\r\n", answer.Value.AnswerSdp);
        Assert.Contains("a=rtpmap:49 H265/90000", answer.Value.AnswerSdp);
        Assert.Contains("a=fmtp:49 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST", answer.Value.AnswerSdp);
    }

    [Theory]
    [InlineData("", "malformed")]
    [InlineData("v=1\r\nm=video 9 X 96\r\n", "malformed")]
    [InlineData("v=0\r\n", "malformed")]
    [InlineData("v=0\r\nm=video 9\r\n", "malformed")]
    [InlineData("v=0\r\nm=video 99999 UDP 96\r\n", "malformed")]
    [InlineData("v=0\r\nm=video 9 UDP 300\r\n", "malformed")]
    [InlineData("v=0\r\nm=video 9 UDP 96\r\na=rtpmap:96 H264\r\n", "malformed")]
    [InlineData("v=0\r\nm=video 9 UDP 96\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901234\r\n", "malformed")] // no fingerprint
    [InlineData("v=0\r\nm=video 9 UDP 96\r\na=fingerprint:sha-256 ZZ:11\r\n", "malformed")]
    [InlineData("garbage", "malformed")]
    public void Malformed_offers_are_named_failures(string sdp, string code)
    {
        var parsed = SdpOfferParser.Parse(Encoding.UTF8.GetBytes(sdp));
        Assert.False(parsed.IsOk);
        Assert.Equal(code, parsed.Failure!.Code);
    }

    [Fact]
    public void Oversized_offers_and_too_many_sections_are_refused()
    {
        Assert.Equal("too-large", SdpOfferParser.Parse(new byte[100_000]).Failure?.Code);
        var many = "v=0\r\n" + string.Concat(Enumerable.Repeat("m=video 9 UDP 96\r\n", 40));
        Assert.Equal("too-large", SdpOfferParser.Parse(many).Failure?.Code);
        Assert.Equal("malformed", SdpOfferParser.Parse(new byte[] { 0x76, 0x3d, 0xff, 0xfe }).Failure?.Code);
    }

    [Fact]
    public void Passive_offerer_is_refused()
    {
        var answer = SdpAnswerBuilder.Build(SdpOfferParser.Parse(ChromeOffer.Replace("a=setup:actpass", "a=setup:passive")).Value,
            new MediaSourceDescription("H264", null), IceCredentials.Generate(), "AB", Candidates, 1, 2);
        Assert.Equal("unsupported", answer.Failure?.Code);
    }
}
