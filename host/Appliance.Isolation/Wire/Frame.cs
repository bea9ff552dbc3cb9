using System.Buffers.Binary;

namespace Appliance.Isolation.Wire;

/// <summary>What a frame carries. Values are part of the wire format (protocol version 1).</summary>
public enum FrameKind : byte
{
    /// <summary>First frame of each side: JSON <see cref="Hello"/>.</summary>
    Hello = 1,
    /// <summary>A call that wants an answer (JSON <see cref="Call"/>); answered by Response or Failure with the same id.</summary>
    Request = 2,
    /// <summary>The JSON result of the request with the same id.</summary>
    Response = 3,
    /// <summary>The request with the same id failed: JSON <see cref="Appliance.Abstractions.Failure"/>.</summary>
    Failure = 4,
    /// <summary>A call without an answer (JSON <see cref="Call"/>): logs, health, ...</summary>
    Notify = 5,
    /// <summary>A shared-memory ring advanced: ring id (u32) and the sequence written last (u64), binary.</summary>
    RingTick = 6,
    /// <summary>Liveness probe; answered by Pong with the same id (empty payload).</summary>
    Ping = 7,
    Pong = 8,
    /// <summary>HTTP exchange (id = exchange id, chosen by the host): the request head (host to child, JSON
    /// <see cref="HttpRequestHead"/>) or the response head (child to host, JSON <see cref="HttpResponseHead"/>).</summary>
    HttpHead = 9,
    /// <summary>A piece of a body (request body host to child, response body child to host), binary, at most
    /// <see cref="HttpFrames.MaxChunk"/> bytes, and never more than the receiver has granted.</summary>
    HttpBody = 10,
    /// <summary>The sender's body of the exchange is complete (empty payload).</summary>
    HttpEnd = 11,
    /// <summary>The receiver of a body grants the sender more bytes (u32, binary).</summary>
    HttpCredit = 12,
    /// <summary>Either side gives up on the exchange (UTF-8 reason, at most <see cref="HttpFrames.MaxReason"/> bytes).</summary>
    HttpAbort = 13,
}

/// <summary>
/// One frame: a 16-byte header (magic "APLI", version, kind, flags, id, payload length; little-endian) and the payload.
/// </summary>
public readonly record struct Frame(FrameKind Kind, uint Id, ReadOnlyMemory<byte> Payload)
{
    public const int HeaderSize = 16;

    /// <summary>"APLI" read as a little-endian u32.</summary>
    public const uint Magic = 0x494C5041;

    /// <summary>The protocol version this code speaks; a frame with another version is refused.</summary>
    public const byte ProtocolVersion = 1;

    public static void WriteHeader(Span<byte> header, FrameKind kind, uint id, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = ProtocolVersion;
        header[5] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], id);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)payloadLength);
    }

    /// <summary>RingTick payload: ring id and sequence.</summary>
    public static byte[] RingTickPayload(uint ring, ulong sequence)
    {
        var payload = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, ring);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(4), sequence);
        return payload;
    }

    public static bool TryReadRingTick(ReadOnlySpan<byte> payload, out uint ring, out ulong sequence)
    {
        ring = 0;
        sequence = 0;
        if (payload.Length != 12) return false;
        ring = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(payload[4..]);
        return true;
    }
}
