using System.Buffers.Binary;
using Appliance.Isolation.Wire;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>The HTTP frames of the codec alone: round trip through a real stream, and every shape a broken peer can send wrong.</summary>
public sealed class HttpFrameCodecTests
{
    [Fact]
    public async Task Http_frames_round_trip_and_pass_the_shape_check()
    {
        var buffer = new MemoryStream();
        var writer = new FrameWriter(buffer);
        var head = new HttpResponseHead(206, new() { ["Content-Range"] = "bytes 0-9/100" }, true);
        await writer.WriteAsync(FrameKind.HttpHead, 5, WireJson.Encode(head), default);
        await writer.WriteAsync(FrameKind.HttpBody, 5, new byte[HttpFrames.MaxChunk], default);
        await writer.WriteAsync(FrameKind.HttpCredit, 5, HttpFrames.CreditPayload(HttpFrames.InitialWindow), default);
        await writer.WriteAsync(FrameKind.HttpEnd, 5, ReadOnlyMemory<byte>.Empty, default);
        await writer.WriteAsync(FrameKind.HttpAbort, 5, HttpFrames.ReasonPayload("client gone"), default);
        buffer.Position = 0;
        var reader = new FrameReader(buffer);
        var frames = new List<Frame>();
        for (var i = 0; i < 5; i++) frames.Add((await reader.ReadAsync(default)).Value);
        Assert.Equal([FrameKind.HttpHead, FrameKind.HttpBody, FrameKind.HttpCredit, FrameKind.HttpEnd, FrameKind.HttpAbort], frames.Select(f => f.Kind));
        Assert.All(frames, f => Assert.Null(HttpFrames.Check(f.Kind, f.Id, f.Payload.Span)));
        Assert.Equal("bytes 0-9/100", WireJson.Decode<HttpResponseHead>(frames[0].Payload.Span, "head").Value.Headers["Content-Range"]);
        Assert.Equal(HttpFrames.InitialWindow, HttpFrames.Credit(frames[2].Payload.Span));
        Assert.Equal("client gone", HttpFrames.Reason(frames[4].Payload.Span));
    }

    [Theory]
    [InlineData(FrameKind.HttpBody, 65537, "too-large", "an HttpBody of 65537 bytes for exchange 3 is over the 65536-byte chunk limit")]
    [InlineData(FrameKind.HttpBody, 0, "malformed", "an empty HttpBody for exchange 3")]
    [InlineData(FrameKind.HttpCredit, 3, "malformed", "an HttpCredit payload is 4 bytes, got 3")]
    [InlineData(FrameKind.HttpCredit, 5, "malformed", "an HttpCredit payload is 4 bytes, got 5")]
    [InlineData(FrameKind.HttpEnd, 1, "malformed", "an HttpEnd for exchange 3 with a 1-byte payload")]
    [InlineData(FrameKind.HttpAbort, 1025, "too-large", "an HttpAbort reason of 1025 bytes is over the 1024-byte limit")]
    [InlineData(FrameKind.HttpHead, 256 * 1024 + 1, "too-large", "an HttpHead of 262145 bytes is over the 262144-byte limit")]
    public void A_badly_shaped_http_frame_is_refused_with_what_was_wrong(FrameKind kind, int length, string code, string message)
    {
        var failure = HttpFrames.Check(kind, 3, new byte[length]);
        Assert.NotNull(failure);
        Assert.Equal(code, failure.Code);
        Assert.Contains(message, failure.Message);
    }

    [Theory]
    [InlineData(0u, "an HttpCredit of 0 bytes")]
    [InlineData(16u * 1024 * 1024 + 1, "an HttpCredit of 16777217 bytes")]
    public void A_credit_outside_the_window_is_refused(uint credit, string message)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, credit);
        Assert.Contains(message, HttpFrames.Check(FrameKind.HttpCredit, 3, payload)!.Message);
    }

    [Fact]
    public void Exchange_zero_and_non_http_kinds_are_refused()
    {
        Assert.Contains("exchange 0", HttpFrames.Check(FrameKind.HttpBody, 0, new byte[1])!.Message);
        Assert.Contains("not an HTTP frame", HttpFrames.Check(FrameKind.Ping, 1, [])!.Message);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(255)]
    public void A_kind_after_the_http_kinds_is_unknown(byte kind)
    {
        var header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, FrameKind.HttpBody, 1, 4);
        header[5] = kind;
        var parsed = FrameReader.Parse(header, 1024);
        Assert.Equal("malformed", parsed.Failure!.Code);
        Assert.Equal($"unknown frame kind {kind}", parsed.Failure.Message);
    }

    [Fact]
    public async Task A_body_frame_cut_short_by_the_end_of_the_stream_is_truncated()
    {
        var buffer = new MemoryStream();
        var header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, FrameKind.HttpBody, 9, HttpFrames.MaxChunk);
        buffer.Write(header);
        buffer.Write(new byte[1000]);
        buffer.Position = 0;
        var read = await new FrameReader(buffer).ReadAsync(default);
        Assert.Equal("truncated", read.Failure!.Code);
        Assert.Contains("the stream ended inside a HttpBody payload (1000 of 65536 bytes)", read.Failure.Message);
    }
}
