using System.Buffers.Binary;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Isolation.Wire;

/// <summary>The request head of an HTTP exchange, host to child: the route (by the child's handle) and the request
/// without its body. <see cref="HasBody"/>: body frames follow (as the child grants credit), then HttpEnd.</summary>
public sealed record HttpRequestHead(int Handle, string Method, string Path, Dictionary<string, string> RouteValues,
    Dictionary<string, string> Query, Dictionary<string, string> Headers, long? ContentLength, string? User, UserRole? Role,
    string? RemoteAddress, bool HasBody);

/// <summary>The response head, child to host. <see cref="HasBody"/>: body frames follow (as the host grants credit),
/// then HttpEnd; false: the exchange is complete.</summary>
public sealed record HttpResponseHead(int StatusCode, Dictionary<string, string> Headers, bool HasBody);

/// <summary>Child asks the host to map a HostApi 1.1 route (<see cref="Appliance.Abstractions.Http.IHttpSurface.Map"/>).</summary>
public sealed record HttpMapArgs(int Handle, string Method, string Template);

/// <summary>
/// Limits and payloads of the HTTP frames. Flow control is by credit: the receiver of a body grants bytes
/// (<see cref="InitialWindow"/> first, then as much as its reader consumed); a sender never has more than the
/// granted bytes in flight, so neither side holds more than a window per exchange.
/// </summary>
public static class HttpFrames
{
    /// <summary>Largest body piece in one frame.</summary>
    public const int MaxChunk = 64 * 1024;

    /// <summary>What a receiver grants when a body starts: four pieces.</summary>
    public const int InitialWindow = 4 * MaxChunk;

    /// <summary>Most credit a sender may hold at once; a peer granting more is broken.</summary>
    public const int MaxWindow = 16 * 1024 * 1024;

    public const int MaxReason = 1024;

    /// <summary>Largest head (JSON): headers and query of a request fit well below.</summary>
    public const int MaxHead = 256 * 1024;

    public static bool IsHttp(FrameKind kind) => kind is >= FrameKind.HttpHead and <= FrameKind.HttpAbort;

    public static byte[] CreditPayload(int bytes)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)bytes);
        return payload;
    }

    public static byte[] ReasonPayload(string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(reason);
        return bytes.Length <= MaxReason ? bytes : bytes[..MaxReason];
    }

    /// <summary>
    /// Checks an HTTP frame's shape (pure, whatever the exchange's state): a zero exchange id, a body piece over
    /// <see cref="MaxChunk"/> or empty, a head over <see cref="MaxHead"/>, an HttpEnd with a payload, a credit that is
    /// not a u32 in 1..<see cref="MaxWindow"/>, a reason over <see cref="MaxReason"/> are failures naming what was wrong.
    /// </summary>
    public static Failure? Check(FrameKind kind, uint id, ReadOnlySpan<byte> payload)
    {
        if (!IsHttp(kind)) return new Failure("malformed", $"a {kind} frame is not an HTTP frame");
        if (id == 0) return new Failure("malformed", $"a {kind} frame for exchange 0 (exchange ids start at 1)");
        return kind switch
        {
            FrameKind.HttpHead when payload.Length > MaxHead =>
                new Failure("too-large", $"an HttpHead of {payload.Length} bytes is over the {MaxHead}-byte limit"),
            FrameKind.HttpBody when payload.Length > MaxChunk =>
                new Failure("too-large", $"an HttpBody of {payload.Length} bytes for exchange {id} is over the {MaxChunk}-byte chunk limit"),
            FrameKind.HttpBody when payload.Length == 0 =>
                new Failure("malformed", $"an empty HttpBody for exchange {id} (the end of a body is HttpEnd)"),
            FrameKind.HttpEnd when payload.Length != 0 =>
                new Failure("malformed", $"an HttpEnd for exchange {id} with a {payload.Length}-byte payload (it has none)"),
            FrameKind.HttpCredit when payload.Length != 4 =>
                new Failure("malformed", $"an HttpCredit payload is 4 bytes, got {payload.Length}"),
            FrameKind.HttpCredit when BinaryPrimitives.ReadUInt32LittleEndian(payload) is 0 or > MaxWindow =>
                new Failure("malformed", $"an HttpCredit of {BinaryPrimitives.ReadUInt32LittleEndian(payload)} bytes for exchange {id} (1..{MaxWindow})"),
            FrameKind.HttpAbort when payload.Length > MaxReason =>
                new Failure("too-large", $"an HttpAbort reason of {payload.Length} bytes is over the {MaxReason}-byte limit"),
            _ => null,
        };
    }

    /// <summary>The credit of a checked HttpCredit payload.</summary>
    public static int Credit(ReadOnlySpan<byte> payload) => (int)BinaryPrimitives.ReadUInt32LittleEndian(payload);

    public static string Reason(ReadOnlySpan<byte> payload) => payload.Length == 0 ? "aborted" : Encoding.UTF8.GetString(payload);
}
