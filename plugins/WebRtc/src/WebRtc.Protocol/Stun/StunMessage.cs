using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Shared.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>STUN method and class combined (RFC 8489 section 5): only what ICE connectivity checks use.</summary>
public enum StunMessageType : ushort
{
    BindingRequest = 0x0001,
    BindingIndication = 0x0011,
    BindingSuccess = 0x0101,
    BindingError = 0x0111,

    // TURN (RFC 8656 section 17): the methods a client uses, with Send and Data indications.
    AllocateRequest = 0x0003,
    AllocateSuccess = 0x0103,
    AllocateError = 0x0113,
    RefreshRequest = 0x0004,
    RefreshSuccess = 0x0104,
    RefreshError = 0x0114,
    SendIndication = 0x0016,
    DataIndication = 0x0017,
    CreatePermissionRequest = 0x0008,
    CreatePermissionSuccess = 0x0108,
    CreatePermissionError = 0x0118,
}

/// <summary>STUN attribute types used by ICE (RFC 8489, RFC 8445).</summary>
public static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    // TURN (RFC 8656 section 18) and long-term credentials (RFC 8489 section 14).
    public const ushort Lifetime = 0x000D;
    public const ushort XorPeerAddress = 0x0012;
    public const ushort Data = 0x0013;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;
    public const ushort XorRelayedAddress = 0x0016;
    public const ushort RequestedTransport = 0x0019;
}

/// <summary>One attribute: its type and a view of its value inside the message buffer.</summary>
public readonly record struct StunAttribute(ushort Type, int ValueOffset, int Length);

/// <summary>
/// A parsed STUN message over the original bytes. <see cref="Parse"/> never throws: a datagram that is not a
/// well-formed STUN message (bad magic cookie, lengths, padding, a FINGERPRINT that does not match) is a
/// <see cref="Failure"/>. Integrity is checked separately with <see cref="VerifyIntegrity"/>, because the key
/// depends on the USERNAME the caller looks up.
/// </summary>
public sealed class StunMessage
{
    public const int HeaderLength = StunWire.HeaderLength;
    public const uint MagicCookie = StunWire.MagicCookie;
    public const int MaxLength = StunWire.MaxLength;

    private readonly byte[] _bytes;

    private StunMessage(byte[] bytes, StunMessageType type, IReadOnlyList<StunAttribute> attributes, int integrityOffset, bool hasFingerprint)
    {
        _bytes = bytes;
        Type = type;
        Attributes = attributes;
        IntegrityOffset = integrityOffset;
        HasFingerprint = hasFingerprint;
    }

    public StunMessageType Type { get; }

    public ReadOnlySpan<byte> TransactionId => _bytes.AsSpan(8, 12);

    public IReadOnlyList<StunAttribute> Attributes { get; }

    /// <summary>Offset of the MESSAGE-INTEGRITY attribute header, or -1 when there is none.</summary>
    private int IntegrityOffset { get; }

    public bool HasFingerprint { get; }

    public bool HasIntegrity => IntegrityOffset >= 0;

    /// <summary>True when the first byte of a datagram says STUN (RFC 7983 demultiplexing: 0..3).</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) => StunWire.LooksLikeStun(datagram);

    /// <summary>
    /// The message (<see cref="StunWire.ReadAttributes"/>: header, attributes, FINGERPRINT last and matching), with ICE's
    /// rules on top: MESSAGE-INTEGRITY is 20 bytes and only FINGERPRINT may follow it.
    /// </summary>
    public static Result<StunMessage> Parse(ReadOnlySpan<byte> datagram)
    {
        if (!StunWire.ReadAttributes(datagram).TryGetValue(out var read, out var failure)) return failure;
        var attributes = new List<StunAttribute>(read.Count);
        var integrity = -1;
        var fingerprint = false;
        foreach (var a in read)
        {
            if (a.Type == StunAttributeType.Fingerprint)
            {
                fingerprint = true;
            }
            else if (integrity >= 0)
            {
                return Result<StunMessage>.Fail("malformed", "STUN: attribute other than FINGERPRINT after MESSAGE-INTEGRITY");
            }
            else if (a.Type == StunAttributeType.MessageIntegrity)
            {
                if (a.Length != 20) return Result<StunMessage>.Fail("malformed", "STUN: MESSAGE-INTEGRITY is not 20 bytes");
                integrity = a.ValueOffset - 4;
            }
            attributes.Add(new StunAttribute(a.Type, a.ValueOffset, a.Length));
        }
        var rawType = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        return new StunMessage(datagram.ToArray(), (StunMessageType)rawType, attributes, integrity, fingerprint);
    }

    public bool Has(ushort type) => Attributes.Any(a => a.Type == type);

    public ReadOnlySpan<byte> Value(StunAttribute attribute) => _bytes.AsSpan(attribute.ValueOffset, attribute.Length);

    /// <summary>USERNAME as UTF-8, or null when absent or longer than the 513 bytes RFC 8489 allows.</summary>
    public string? Username
    {
        get
        {
            foreach (var a in Attributes)
                if (a.Type == StunAttributeType.Username && a.Length <= 513) return Encoding.UTF8.GetString(Value(a));
            return null;
        }
    }

    /// <summary>PRIORITY, or null.</summary>
    public uint? Priority
    {
        get
        {
            foreach (var a in Attributes)
                if (a.Type == StunAttributeType.Priority && a.Length == 4) return BinaryPrimitives.ReadUInt32BigEndian(Value(a));
            return null;
        }
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1 over the message up to the attribute, with the length field covering it)
    /// with a short-term credential <paramref name="key"/> (the ICE password). False when absent or wrong.
    /// </summary>
    public bool VerifyIntegrity(ReadOnlySpan<byte> key)
    {
        if (IntegrityOffset < 0) return false;
        var covered = _bytes.AsSpan(0, IntegrityOffset).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(covered.AsSpan(2), (ushort)(IntegrityOffset + 24 - HeaderLength));
        Span<byte> mac = stackalloc byte[20];
        HMACSHA1.HashData(key, covered, mac);
        return CryptographicOperations.FixedTimeEquals(mac, _bytes.AsSpan(IntegrityOffset + 4, 20));
    }

    /// <summary>The XOR-MAPPED-ADDRESS (IPv4 or IPv6), or null.</summary>
    public IPEndPoint? XorMappedAddress => XorAddress(StunAttributeType.XorMappedAddress);

    /// <summary>The first XOR-encoded address attribute of <paramref name="type"/> (XOR-RELAYED-ADDRESS, XOR-PEER-ADDRESS...), or null when absent or malformed.</summary>
    public IPEndPoint? XorAddress(ushort type)
    {
        foreach (var a in Attributes)
            if (a.Type == type) return StunAddress.ReadXor(Value(a), TransactionId);
        return null;
    }

    /// <summary>The first attribute of <paramref name="type"/> as a 32-bit number (LIFETIME), or null when absent or not 4 bytes.</summary>
    public uint? UInt32(ushort type)
    {
        foreach (var a in Attributes)
            if (a.Type == type) return a.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(Value(a)) : null;
        return null;
    }

    /// <summary>The first attribute of <paramref name="type"/> as UTF-8 text (REALM, NONCE), or null when absent, over <paramref name="maxBytes"/> or not UTF-8.</summary>
    public string? Text(ushort type, int maxBytes = 763)
    {
        foreach (var a in Attributes)
        {
            if (a.Type != type) continue;
            if (a.Length > maxBytes) return null;
            try
            {
                return new UTF8Encoding(false, true).GetString(Value(a));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>The first attribute of <paramref name="type"/>, or null.</summary>
    public StunAttribute? Find(ushort type)
    {
        foreach (var a in Attributes)
            if (a.Type == type) return a;
        return null;
    }

    /// <summary>ERROR-CODE (RFC 8489 section 14.8) as number and reason phrase, or null when absent or malformed.</summary>
    public (int Code, string Reason)? Error
    {
        get
        {
            if (Find(StunAttributeType.ErrorCode) is not { } a || a.Length < 4) return null;
            var v = Value(a);
            var code = (v[2] & 0x7) * 100 + v[3];
            if (code is < 300 or > 699) return null;
            return (code, Encoding.UTF8.GetString(v[4..]));
        }
    }
}
