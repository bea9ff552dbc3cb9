using System.Buffers.Binary;
using Appliance.Abstractions;

namespace Appliance.Isolation.Wire;

/// <summary>
/// Reads frames from a stream (the Unix socket). Never trusts the peer: a wrong magic, another protocol
/// version, an unknown kind, a set flag, a payload over <see cref="MaxPayload"/> or a stream that ends inside a
/// frame is a <see cref="Failure"/> naming what was wrong; the caller then drops the connection (there is no
/// resynchronising inside a byte stream). Nothing is allocated for an oversized payload.
/// </summary>
public sealed class FrameReader(Stream stream, int maxPayload = FrameReader.DefaultMaxPayload)
{
    /// <summary>8 MiB: a 4 MiB HTTP body base64-encoded in JSON fits; media never travels in frames.</summary>
    public const int DefaultMaxPayload = 8 * 1024 * 1024;

    private readonly byte[] _header = new byte[Frame.HeaderSize];

    public int MaxPayload { get; } = maxPayload;

    /// <summary>The next frame; <c>closed</c> at a clean end of stream between frames.</summary>
    public async ValueTask<Result<Frame>> ReadAsync(CancellationToken cancellationToken)
    {
        var got = await FillAsync(_header, cancellationToken);
        if (got == 0) return Result<Frame>.Fail("closed", "the peer closed the connection");
        if (got < Frame.HeaderSize)
            return Result<Frame>.Fail("truncated", $"the stream ended inside a frame header ({got} of {Frame.HeaderSize} bytes)");
        var header = Parse(_header, MaxPayload);
        if (!header.TryGetValue(out var parsed, out var failure)) return Result<Frame>.Fail(failure);
        var payload = parsed.Length == 0 ? [] : new byte[parsed.Length];
        got = await FillAsync(payload, cancellationToken);
        if (got < payload.Length)
            return Result<Frame>.Fail("truncated", $"the stream ended inside a {parsed.Kind} payload ({got} of {payload.Length} bytes)");
        return new Frame(parsed.Kind, parsed.Id, payload);
    }

    /// <summary>Checks a 16-byte header; pure (the codec's bad-input tests call it directly).</summary>
    public static Result<(FrameKind Kind, uint Id, int Length)> Parse(ReadOnlySpan<byte> header, int maxPayload)
    {
        if (header.Length < Frame.HeaderSize)
            return Result<(FrameKind, uint, int)>.Fail("truncated", $"a frame header is {Frame.HeaderSize} bytes, got {header.Length}");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic != Frame.Magic)
            return Result<(FrameKind, uint, int)>.Fail("malformed", $"bad frame magic 0x{magic:X8} (expected 0x{Frame.Magic:X8} \"APLI\"): not an isolation peer, or the stream is out of step");
        if (header[4] != Frame.ProtocolVersion)
            return Result<(FrameKind, uint, int)>.Fail("version", $"frame protocol version {header[4]} is not supported (this side speaks {Frame.ProtocolVersion})");
        var kind = (FrameKind)header[5];
        if (!Enum.IsDefined(kind))
            return Result<(FrameKind, uint, int)>.Fail("malformed", $"unknown frame kind {header[5]}");
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (flags != 0)
            return Result<(FrameKind, uint, int)>.Fail("malformed", $"frame flags 0x{flags:X4} are not defined in version {Frame.ProtocolVersion}");
        var id = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (length > (uint)maxPayload)
            return Result<(FrameKind, uint, int)>.Fail("too-large", $"a {kind} frame of {length} bytes is over the {maxPayload}-byte limit");
        return (kind, id, (int)length);
    }

    private async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
