using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class RtspHeaderTests
{
    [Fact]
    public void WritesARequestWithCrLfAndContentLength()
    {
        var r = new RtspRequest("SET_PARAMETER", "rtsp://cam/x") { Body = "a: b\r\n"u8.ToArray() };
        r.Headers.Add("CSeq", "4");
        var text = System.Text.Encoding.ASCII.GetString(r.ToArray());
        Assert.Equal("SET_PARAMETER rtsp://cam/x RTSP/1.0\r\nCSeq: 4\r\nContent-Length: 6\r\n\r\na: b\r\n", text);
    }

    [Fact]
    public void RefusesHeaderInjection()
    {
        var r = new RtspRequest("OPTIONS", "rtsp://cam/");
        Assert.Throws<ArgumentException>(() => r.Headers.Add("X", "a\r\nInjected: 1"));
        Assert.Throws<ArgumentException>(() => r.Headers.Add("Bad Name", "v"));
        Assert.Throws<InvalidOperationException>(() => new RtspRequest("OPTIONS", "rtsp://cam/ x").ToArray());
    }

    [Theory]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=C76D89B9;mode=\"PLAY\"", true, 0, 1)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=4", true, 4, 5)]
    public void ParsesInterleavedTransport(string header, bool tcp, int a, int b)
    {
        var t = RtspTransportHeader.Parse(header).Value!;
        Assert.Equal(tcp, t.Tcp);
        Assert.Equal(new RtspPortPair(a, b), t.Interleaved);
        if (header.Contains("ssrc")) Assert.Equal(0xC76D89B9u, t.Ssrc);
    }

    [Fact]
    public void ParsesUdpTransport()
    {
        var t = RtspTransportHeader.Parse("RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;source=127.0.0.1").Value!;
        Assert.False(t.Tcp);
        Assert.Equal(new RtspPortPair(50000, 50001), t.ClientPort);
        Assert.Equal(new RtspPortPair(6970, 6971), t.ServerPort);
        Assert.Equal("RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971", t.ToString());
    }

    [Theory]
    [InlineData(null, "missing Transport header")]
    [InlineData("RAW/RAW/UDP;unicast", "unsupported transport protocol")]
    [InlineData("RTP/AVP/TCP;interleaved=300-301", "invalid interleaved")]
    [InlineData("RTP/AVP;server_port=70000-70001", "invalid server_port")]
    [InlineData("RTP/AVP;client_port=a-b", "invalid client_port")]
    public void RejectsBadTransport(string? header, string error) =>
        Assert.Contains(error, RtspTransportHeader.Parse(header).Failure?.Message);

    [Theory]
    [InlineData("pZ.lV0ThwGytuktA", "pZ.lV0ThwGytuktA", 60)]
    [InlineData("12345678;timeout=30", "12345678", 30)]
    [InlineData("abc; timeout=0", "abc", 60)]
    [InlineData("abc;timeout=999999999999", "abc", 60)]
    public void ParsesSessionHeaders(string value, string id, int timeout)
    {
        var s = RtspSessionHeader.Parse(value).Value!;
        Assert.Equal(id, s.Id);
        Assert.Equal(timeout, s.TimeoutSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";timeout=5")]
    [InlineData("a b")]
    public void RejectsBadSessionHeaders(string value) => Assert.False(RtspSessionHeader.Parse(value).IsOk);

    [Fact]
    public void ParsesUrlsWithCredentialsAndPortOverride()
    {
        var u = RtspUrl.Parse("rtsp://admin:p%40ss@10.0.0.5/Streaming/Channels/101?x=1").Value!;
        Assert.Equal("10.0.0.5", u.Host);
        Assert.Equal(554, u.Port);
        Assert.Equal("admin", u.UserName);
        Assert.Equal("p@ss", u.Password);
        Assert.Equal("rtsp://10.0.0.5:554/Streaming/Channels/101?x=1", u.RequestUri);
        Assert.Equal(8554, RtspUrl.Parse("rtsp://cam:1000/a", 8554).Value!.Port);
        Assert.Contains("unsupported scheme", RtspUrl.Parse("http://cam/").Failure?.Message);
        Assert.Contains("not an absolute URL", RtspUrl.Parse("cam/stream").Failure?.Message);
        Assert.Contains("not a TCP port", RtspUrl.Parse("rtsp://cam/", 70000).Failure?.Message);
    }

    [Theory]
    [InlineData("rtsp://h:1/cam/", "stream=0", "rtsp://h:1/cam/stream=0")]
    [InlineData("rtsp://h:1/cam", "trackID=1", "rtsp://h:1/cam/trackID=1")]
    [InlineData("rtsp://h:1/cam/", "*", "rtsp://h:1/cam/")]
    [InlineData("rtsp://h:1/cam/", null, "rtsp://h:1/cam/")]
    [InlineData("rtsp://h:1/cam/", "rtsp://other:2/x", "rtsp://other:2/x")]
    [InlineData("rtsp://h:1/cam/", "/abs/track1", "rtsp://h:1/abs/track1")]
    public void ResolvesControlUrlsAgainstTheContentBase(string baseUrl, string? control, string expected) =>
        Assert.Equal(expected, RtspUrl.ResolveControl(baseUrl, control));
}
