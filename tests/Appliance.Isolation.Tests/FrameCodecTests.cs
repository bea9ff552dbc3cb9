using System.Buffers.Binary;
using Appliance.Isolation.Wire;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>The frame codec alone: round trip, and every way a hostile or broken peer can get a frame wrong.</summary>
public sealed class FrameCodecTests
{
    private static byte[] Header(uint magic = Frame.Magic, byte version = Frame.ProtocolVersion, byte kind = 2, ushort flags = 0, uint id = 7, uint length = 3)
    {
        var h = new byte[Frame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(h, magic);
        h[4] = version;
        h[5] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), id);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), length);
        return h;
    }

    [Fact]
    public async Task Frames_written_are_read_back_in_order()
    {
        var buffer = new MemoryStream();
        var writer = new FrameWriter(buffer);
        await writer.WriteAsync(FrameKind.Request, 1, "{\"op\":\"x\"}"u8.ToArray(), default);
        await writer.WriteAsync(FrameKind.RingTick, 0, Frame.RingTickPayload(3, 99), default);
        await writer.WriteAsync(FrameKind.Ping, 2, ReadOnlyMemory<byte>.Empty, default);
        buffer.Position = 0;
        var reader = new FrameReader(buffer);
        var first = (await reader.ReadAsync(default)).Value;
        Assert.Equal((FrameKind.Request, 1u, "{\"op\":\"x\"}"), (first.Kind, first.Id, System.Text.Encoding.UTF8.GetString(first.Payload.Span)));
        var tick = (await reader.ReadAsync(default)).Value;
        Assert.True(Frame.TryReadRingTick(tick.Payload.Span, out var ring, out var seq));
        Assert.Equal((3u, 99ul), (ring, seq));
        Assert.Equal(FrameKind.Ping, (await reader.ReadAsync(default)).Value.Kind);
        Assert.Equal("closed", (await reader.ReadAsync(default)).Failure!.Code);
    }

    [Theory]
    [InlineData("magic", "malformed", "bad frame magic")]
    [InlineData("version", "version", "frame protocol version 9 is not supported")]
    [InlineData("kind", "malformed", "unknown frame kind 200")]
    [InlineData("flags", "malformed", "frame flags 0x0001 are not defined")]
    [InlineData("oversized", "too-large", "a Request frame of 4294967295 bytes is over the 1024-byte limit")]
    public void A_bad_header_is_refused_with_what_was_wrong(string fault, string code, string message)
    {
        var header = fault switch
        {
            "magic" => Header(magic: 0x50545448), // "HTTP"
            "version" => Header(version: 9),
            "kind" => Header(kind: 200),
            "flags" => Header(flags: 1),
            _ => Header(length: uint.MaxValue),
        };
        var result = FrameReader.Parse(header, 1024);
        Assert.Equal(code, result.Failure!.Code);
        Assert.Contains(message, result.Failure.Message);
    }

    [Fact]
    public async Task An_oversized_frame_is_refused_before_its_payload_is_read_or_allocated()
    {
        // The peer claims 2 GiB and sends nothing more: the reader must answer from the header alone.
        var stream = new MemoryStream(Header(length: int.MaxValue));
        var result = await new FrameReader(stream, 1024).ReadAsync(default);
        Assert.Equal("too-large", result.Failure!.Code);
        Assert.Equal(Frame.HeaderSize, stream.Position);
    }

    [Theory]
    [InlineData(0, "closed")]
    [InlineData(5, "truncated")]
    [InlineData(Frame.HeaderSize + 1, "truncated")]
    public async Task A_stream_that_ends_inside_a_frame_is_truncated(int keep, string code)
    {
        var whole = Header(length: 3).Concat("abc"u8.ToArray()).ToArray();
        var result = await new FrameReader(new MemoryStream(whole[..keep])).ReadAsync(default);
        Assert.Equal(code, result.Failure!.Code);
    }

    [Fact]
    public async Task Random_garbage_never_throws_and_is_refused()
    {
        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var result = await new FrameReader(new MemoryStream(bytes), 4096).ReadAsync(default);
            Assert.False(result.IsOk); // a random first word is the magic with odds 2^-32
        }
    }

    [Fact]
    public async Task A_writer_refuses_to_send_an_oversized_frame()
    {
        var writer = new FrameWriter(new MemoryStream(), 16);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.WriteAsync(FrameKind.Notify, 0, new byte[17], default));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"op\":")]
    [InlineData("\u0000\u0001")]
    public void A_malformed_payload_decodes_to_a_failure(string json)
    {
        var result = WireJson.Decode<Call>(System.Text.Encoding.UTF8.GetBytes(json), "call");
        Assert.Equal("malformed", result.Failure!.Code);
    }
}
