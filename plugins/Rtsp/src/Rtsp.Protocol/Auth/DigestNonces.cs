using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.Plugins.Rtsp.Protocol.Auth;

/// <summary>
/// Stateless HTTP Digest server nonces: 16 hex digits of issue time (Unix ms) and 32 of an HMAC over them with a key
/// that lives as long as the server that issues them (the RTSP server, the ONVIF facade). Nothing is stored per client, so a flood of 401s costs no memory.
/// </summary>
public sealed class DigestNonces(TimeProvider time, TimeSpan lifetime)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public enum State { Valid, Stale, Invalid }

    public string Issue()
    {
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(stamp, time.GetUtcNow().ToUnixTimeMilliseconds());
        return Convert.ToHexStringLower(stamp) + Convert.ToHexStringLower(HMACSHA256.HashData(_key, stamp)[..16]);
    }

    public State Check(string nonce)
    {
        if (nonce.Length != 48) return State.Invalid;
        Span<byte> stamp = stackalloc byte[8];
        Span<byte> mac = stackalloc byte[16];
        if (Convert.FromHexString(nonce.AsSpan(0, 16), stamp, out _, out _) != OperationStatus.Done ||
            Convert.FromHexString(nonce.AsSpan(16), mac, out _, out _) != OperationStatus.Done) return State.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, stamp)[..16], mac)) return State.Invalid;
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(stamp));
        return time.GetUtcNow() - issued > lifetime ? State.Stale : State.Valid;
    }
}
