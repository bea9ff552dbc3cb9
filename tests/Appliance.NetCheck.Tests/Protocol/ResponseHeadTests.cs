using System.Text;
using Appliance.Abstractions;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Rtsp;
using Xunit;

namespace Appliance.NetCheck.Tests.Protocol;

public class ResponseHeadTests
{
    [Fact]
    public void Rtsp_options_reply_parses()
    {
        var head = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\nServer: GStreamer RTSP server"u8.ToArray();
        var read = RtspOptions.ReadReply(head, 1);
        Assert.True(read.IsOk, read.ToString());
        var reply = read.Value;
        Assert.Equal(200, reply.StatusCode);
        Assert.Equal("OK", reply.Reason);
        Assert.Equal("OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN", reply.Header("public"));
    }

    [Fact]
    public void Options_request_strips_credentials()
    {
        var request = Encoding.ASCII.GetString(RtspOptions.Request(new Uri("rtsp://admin:secret@10.0.0.5:8554/stream1?x=1"), 7));
        Assert.StartsWith("OPTIONS rtsp://10.0.0.5:8554/stream1?x=1 RTSP/1.0\r\nCSeq: 7\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", request, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Hostile() => new()
    {
        { "http instead of rtsp", "HTTP/1.1 400 Bad Request\r\nContent-Length: 0", "expected a RTSP/1.0 status line, got 'HTTP/1.1 400 Bad Request'" },
        { "no status code", "RTSP/1.0 OK\r\nCSeq: 1", "no three-digit status code" },
        { "four digit status", "RTSP/1.0 2000 OK\r\nCSeq: 1", "no three-digit status code" },
        { "header without colon", "RTSP/1.0 200 OK\r\nCSeq 1", "malformed header line 'CSeq 1'" },
        { "space in header name", "RTSP/1.0 200 OK\r\nC Seq: 1", "malformed header line" },
        { "control bytes", "RTSP/1.0 200 OK\r\nCSeq: 1\u0000\u0007", "control byte 0x00" },
        { "wrong cseq", "RTSP/1.0 200 OK\r\nCSeq: 99", "CSeq '99', expected 1" },
        { "missing cseq", "RTSP/1.0 200 OK\r\nServer: x", "CSeq '(none)', expected 1" },
        { "binary garbage", "\u00ff\u00fe\u0010garbage", "control byte 0x10" },
        { "too many headers", "RTSP/1.0 200 OK\r\n" + string.Concat(Enumerable.Repeat("X: y\r\n", 101)) + "CSeq: 1", "more than 100 header lines" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_rtsp_replies_give_clear_errors(string name, string head, string expected)
    {
        var read = RtspOptions.ReadReply(Encoding.Latin1.GetBytes(head), 1);
        Assert.False(read.IsOk, name);
        Assert.Contains(expected, read.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_head_is_refused_after_16_KiB()
    {
        var endless = new MemoryStream(Encoding.ASCII.GetBytes("RTSP/1.0 200 OK\r\nX: " + new string('a', 40_000)));
        var head = await ResponseHead.ReadHeadAsync(endless, CancellationToken.None);
        Assert.Equal(new Failure("too-large", "response head exceeds 16384 bytes"), head.Failure);
    }

    [Fact]
    public async Task Connection_closed_mid_head_is_reported()
    {
        var head = await ResponseHead.ReadHeadAsync(new MemoryStream("RTSP/1.0 200 OK\r\nCSe"u8.ToArray()), CancellationToken.None);
        Assert.Equal(new Failure("closed", "the peer closed the connection after 20 bytes, before the end of the response head"), head.Failure);
    }

    [Fact]
    public void Http_connect_request_uses_authority_form()
    {
        var request = Encoding.ASCII.GetString(Appliance.NetCheck.Http.HttpConnectTunnel.Request("cloud.example", 8883));
        Assert.StartsWith("CONNECT cloud.example:8883 HTTP/1.1\r\nHost: cloud.example:8883\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", request, StringComparison.Ordinal);
    }
}
