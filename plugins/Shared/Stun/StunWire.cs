using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Shared.Stun;

/// <summary>One attribute of a STUN message: its type and where its (unpadded) value lies in the message bytes.</summary>
internal readonly record struct StunTlv(ushort Type, int ValueOffset, int Length);

/// <summary>
/// The STUN wire format (RFC 8489 sections 5, 14, 14.1/14.2, 14.7; RFC 5389 alike): the one reader of the header and
/// attribute list, the FINGERPRINT CRC and the (XOR-)address encoding, shared by the network doctor's STUN client
/// and the WebRTC plugin's ICE agent. Never throws on bad input: a failure <c>too-large</c>, <c>malformed</c> or
/// <c>bad-fingerprint</c> names what is wrong. Shared source (plugins/Shared/Stun), compiled internal into both.
/// </summary>
internal static class StunWire
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;

    /// <summary>Largest message accepted: STUN stays under the path MTU, 1500 bytes is generous.</summary>
    public const int MaxLength = 1500;

    /// <summary>Attribute count above which a message is treated as hostile.</summary>
    public const int MaxAttributes = 64;

    public const ushort FingerprintType = 0x8028;
    public const uint FingerprintXor = 0x5354554E;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Whether a datagram starts like STUN (RFC 7983 demultiplexing: first byte 0..3 and the magic cookie).</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] < 4 && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// <summary>
    /// Checks the header (size, top bits, magic cookie, length field) and reads the attributes in order; a
    /// FINGERPRINT must be last, 4 bytes long and match. The message type is the first two bytes.
    /// </summary>
    public static Result<IReadOnlyList<StunTlv>> ReadAttributes(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength)
            return Fail("too-large", $"STUN message of {data.Length} bytes exceeds the {MaxLength}-byte limit");
        if (data.Length < HeaderLength)
            return Fail("malformed", $"truncated STUN message: {data.Length} bytes, the header alone is {HeaderLength}");
        var type = BinaryPrimitives.ReadUInt16BigEndian(data);
        if ((type & 0xC000) != 0)
            return Fail("malformed", $"not a STUN message: the first two bits are not zero (type 0x{type:X4})");
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
            return Fail("malformed", "not an RFC 5389 STUN message: magic cookie 0x2112A442 missing");
        if (length % 4 != 0)
            return Fail("malformed", $"STUN message length {length} is not a multiple of 4");
        if (HeaderLength + length != data.Length)
            return Fail("malformed", $"STUN length field says {length} attribute bytes but {data.Length - HeaderLength} were received");

        var attributes = new List<StunTlv>();
        var offset = HeaderLength;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
                return Fail("malformed", $"truncated STUN attribute header at byte {offset}");
            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var attributeLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (offset + 4 + attributeLength > data.Length)
                return Fail("malformed", $"STUN attribute 0x{attributeType:X4} at byte {offset} claims {attributeLength} bytes, past the end of the message");
            if (attributes.Count == MaxAttributes)
                return Fail("malformed", $"STUN message has more than {MaxAttributes} attributes");
            if (attributeType == FingerprintType)
            {
                if (attributeLength != 4 || offset + 8 != data.Length)
                    return Fail("malformed", "FINGERPRINT must be the last attribute and 4 bytes long");
                var expected = Crc32(data[..offset]) ^ FingerprintXor;
                var actual = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 4)..]);
                if (expected != actual)
                    return Fail("bad-fingerprint", $"FINGERPRINT mismatch: computed 0x{expected:X8}, message carries 0x{actual:X8}");
            }
            attributes.Add(new StunTlv(attributeType, offset + 4, attributeLength));
            offset += 4 + Padded(attributeLength);
        }
        if (offset != data.Length)
            return Fail("malformed", "last STUN attribute's padding runs past the end of the message");
        return attributes;
    }

    /// <summary>The FINGERPRINT value of a message whose bytes up to the attribute are <paramref name="upToFingerprint"/>, its length field already counting the attribute.</summary>
    public static uint Fingerprint(ReadOnlySpan<byte> upToFingerprint) => Crc32(upToFingerprint) ^ FingerprintXor;

    /// <summary>CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320), as FINGERPRINT uses it.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>
    /// MAPPED-ADDRESS and its kin (RESPONSE-ORIGIN, OTHER-ADDRESS), or with <paramref name="xor"/> XOR-MAPPED-ADDRESS
    /// (masked with the magic cookie and the transaction id): family 1 (IPv4, 8 bytes) or 2 (IPv6, 20 bytes).
    /// </summary>
    public static Result<IPEndPoint> ReadAddress(ReadOnlySpan<byte> value, bool xor, ReadOnlySpan<byte> transactionId, ushort type)
    {
        if (value.Length < 4)
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{type:X4} is truncated ({value.Length} bytes)");
        var family = value[1];
        var expectedLength = family switch { 0x01 => 8, 0x02 => 20, _ => -1 };
        if (expectedLength < 0)
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{type:X4} has unknown family 0x{family:X2}");
        if (value.Length != expectedLength)
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{type:X4} for family 0x{family:X2} must be {expectedLength} bytes, got {value.Length}");
        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        var address = value[4..].ToArray();
        if (xor)
        {
            port ^= (ushort)(MagicCookie >> 16);
            Mask(address, transactionId);
        }
        return new IPEndPoint(new IPAddress(address), port);
    }

    /// <summary>The value of an address attribute for <paramref name="endPoint"/> (an IPv4-mapped IPv6 address is written as IPv4).</summary>
    public static byte[] WriteAddress(IPEndPoint endPoint, bool xor, ReadOnlySpan<byte> transactionId)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var raw = address.GetAddressBytes();
        var port = (ushort)endPoint.Port;
        if (xor)
        {
            port ^= (ushort)(MagicCookie >> 16);
            Mask(raw, transactionId);
        }
        var value = new byte[4 + raw.Length];
        value[1] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)0x01 : (byte)0x02;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), port);
        raw.CopyTo(value, 4);
        return value;
    }

    public static int Padded(int length) => (length + 3) & ~3;

    private static void Mask(Span<byte> address, ReadOnlySpan<byte> transactionId)
    {
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        transactionId[..Math.Min(12, transactionId.Length)].CopyTo(mask[4..]);
        for (var i = 0; i < address.Length; i++) address[i] ^= mask[i];
    }

    private static Result<IReadOnlyList<StunTlv>> Fail(string code, string message) => Result<IReadOnlyList<StunTlv>>.Fail(code, message);

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
