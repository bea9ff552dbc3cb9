using System.Buffers;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class RtspMessageReaderTests
{
    private const string Describe =
        "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Base: rtsp://127.0.0.1:8554/cam/\r\nContent-Length: 10\r\n\r\nv=0\r\ns=x\r\n";

    private static RtspReadResult Read(string text, RtspParserLimits? limits = null) => Read(Encoding.Latin1.GetBytes(text), limits);

    private static RtspReadResult Read(byte[] bytes, RtspParserLimits? limits = null)
    {
        var seq = new ReadOnlySequence<byte>(bytes);
        return RtspMessageReader.TryRead(ref seq, limits ?? RtspParserLimits.Default);
    }

    [Fact]
    public void ParsesAResponseWithHeadersAndBody()
    {
        var r = Read(Describe);
        Assert.Equal(RtspReadStatus.Response, r.Status);
        Assert.Equal(200, r.Response!.StatusCode);
        Assert.Equal("OK", r.Response.ReasonPhrase);
        Assert.Equal(2, r.Response.CSeq);
        Assert.Equal("rtsp://127.0.0.1:8554/cam/", r.Response.Headers.Get("content-base"));
        Assert.Equal("v=0\r\ns=x\r\n", Encoding.ASCII.GetString(r.Response.Body));
    }

    [Fact]
    public void ParsesInterleavedFramesAndResponsesBackToBack()
    {
        var bytes = new List<byte> { (byte)'$', 1, 0, 3, 9, 8, 7 };
        bytes.AddRange(Encoding.ASCII.GetBytes("RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n"));
        bytes.AddRange(new byte[] { (byte)'$', 0, 0, 0 });
        var seq = new ReadOnlySequence<byte>(bytes.ToArray());
        var a = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
        Assert.Equal(RtspReadStatus.InterleavedFrame, a.Status);
        Assert.Equal(1, a.Channel);
        Assert.Equal(new byte[] { 9, 8, 7 }, a.Payload.ToArray());
        var b = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
        Assert.Equal(5, b.Response!.CSeq);
        var c = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
        Assert.Equal(RtspReadStatus.InterleavedFrame, c.Status);
        Assert.True(c.Payload.IsEmpty);
        Assert.Equal(0, seq.Length);
    }

    [Fact]
    public void NeedsMoreDataAtEverySplitPointThenParsesTheWhole()
    {
        var bytes = Encoding.ASCII.GetBytes(Describe);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(bytes[..cut]);
            var before = partial.Length;
            var r = RtspMessageReader.TryRead(ref partial, RtspParserLimits.Default);
            Assert.Equal(RtspReadStatus.NeedMoreData, r.Status);
            Assert.Equal(before, partial.Length);
        }
        Assert.Equal(RtspReadStatus.Response, Read(bytes).Status);
    }

    [Fact]
    public void ParsesAMessageSplitAcrossSegments()
    {
        var bytes = Encoding.ASCII.GetBytes(Describe);
        var seq = Segments.Of(bytes, 7);
        var r = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
        Assert.Equal(RtspReadStatus.Response, r.Status);
        Assert.Equal(10, r.Response!.Body.Length);
    }

    [Fact]
    public void ParsesAServerRequest()
    {
        var r = Read("GET_PARAMETER rtsp://cam/ RTSP/1.0\r\nCSeq: 9\r\n\r\n");
        Assert.Equal(RtspReadStatus.Request, r.Status);
        Assert.Equal("GET_PARAMETER", r.Request!.Method);
    }

    [Fact]
    public void SkipsBlankLinesBetweenMessages() =>
        Assert.Equal(RtspReadStatus.Response, Read("\r\n\r\nRTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n").Status);

    [Theory]
    [InlineData("RTSP/1.0 20 OK\r\n\r\n", "malformed status code")]
    [InlineData("RTSP/1.0 2000 OK\r\n\r\n", "malformed status code")]
    [InlineData("RTSP/1.0 abc OK\r\n\r\n", "malformed status code")]
    [InlineData("RTSP/2.0 200 OK\r\n\r\n", "unsupported RTSP version")]
    [InlineData("RTSP/1.0\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", "malformed request line")]
    [InlineData("RTSP/1.0 200 OK\r\nNoColonHere\r\n\r\n", "malformed header line")]
    [InlineData("RTSP/1.0 200 OK\r\n: empty\r\n\r\n", "malformed header line")]
    [InlineData("RTSP/1.0 200 OK\r\n continuation first\r\n\r\n", "continuation line before any header")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n", "invalid Content-Length '-5'")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n", "invalid Content-Length")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 999999999\r\n\r\n", "exceeds the limit")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 1e3\r\n\r\n", "invalid Content-Length")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "conflicting Content-Length")]
    [InlineData("\u0001garbage", "unexpected byte 0x01")]
    [InlineData("rtsp/1.0 200 OK\r\n\r\n", "unexpected byte 0x72")]
    public void RejectsBadInputWithAClearError(string input, string expected)
    {
        var r = Read(input);
        Assert.Equal(RtspReadStatus.Error, r.Status);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void RefusesOversizedHeaderSectionsAndTooManyHeaders()
    {
        var limits = new RtspParserLimits(MaxHeaderCount: 8, MaxHeaderSectionBytes: 1024, MaxLineBytes: 256);
        var many = "RTSP/1.0 200 OK\r\n" + string.Concat(Enumerable.Range(0, 9).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        Assert.Contains("more than 8 headers", Read(many, limits).Error);
        var longLine = "RTSP/1.0 200 OK\r\nX: " + new string('a', 300) + "\r\n\r\n";
        Assert.Contains("longer than 256 bytes", Read(longLine, limits).Error);
        // Unterminated: no line end yet, but already past the limits.
        Assert.Contains("longer than 256 bytes", Read("RTSP/1.0 200 OK\r\nX: " + new string('a', 300), limits).Error);
        var big = "RTSP/1.0 200 OK\r\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"X-{i}: {new string('b', 200)}\r\n"));
        Assert.Contains("header section larger than 1024 bytes", Read(big, limits).Error);
    }

    [Fact]
    public void TruncatedBodyNeedsMoreData() =>
        Assert.Equal(RtspReadStatus.NeedMoreData, Read("RTSP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nshort").Status);

    [Fact]
    public void TruncatedInterleavedFrameNeedsMoreData() =>
        Assert.Equal(RtspReadStatus.NeedMoreData, Read(new byte[] { (byte)'$', 0, 0xFF, 0xFF, 1, 2 }).Status);

    [Fact]
    public void SeededRandomInputNeverThrowsAndAlwaysTerminates()
    {
        var random = new Random(20261123);
        var valid = Encoding.ASCII.GetBytes(Describe);
        for (var round = 0; round < 5000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                input = (byte[])valid.Clone();
                for (var m = random.Next(1, 8); m > 0; m--) input[random.Next(input.Length)] = (byte)random.Next(256);
                if (random.Next(4) == 0) input = input[..random.Next(input.Length)];
            }
            else
            {
                input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
                if (input.Length > 0 && random.Next(3) == 0) input[0] = (byte)'$';
                if (input.Length > 4 && random.Next(3) == 0) Encoding.ASCII.GetBytes("RTSP").CopyTo(input, 0);
            }
            var seq = new ReadOnlySequence<byte>(input);
            for (var steps = 0; steps < 1000; steps++)
            {
                var before = seq.Length;
                var r = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
                if (r.Status is RtspReadStatus.NeedMoreData or RtspReadStatus.Error)
                {
                    if (r.Status == RtspReadStatus.Error) Assert.False(string.IsNullOrEmpty(r.Error));
                    break;
                }
                Assert.True(seq.Length < before, "a parsed item consumes input");
            }
        }
    }
}

internal static class Segments
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>A sequence of segments of <paramref name="size"/> bytes (to test parsing across segment borders).</summary>
    public static ReadOnlySequence<byte> Of(byte[] data, int size)
    {
        var first = new Segment(data.AsMemory(0, Math.Min(size, data.Length)), 0);
        var last = first;
        for (var i = size; i < data.Length; i += size) last = last.Append(data.AsMemory(i, Math.Min(size, data.Length - i)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
