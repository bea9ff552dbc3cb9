using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.NetCheck.Stun;

/// <summary>
/// A STUN message (RFC 5389 section 6): 20-byte header (type, length, magic cookie, 96-bit transaction id)
/// followed by TLV attributes padded to 4 bytes. Message integrity is not used: Binding needs no credentials.
/// </summary>
public sealed record StunMessage(ushort Method, StunClass Class, byte[] TransactionId, IReadOnlyList<StunAttribute> Attributes)
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;

    /// <summary>Largest message accepted. RFC 5389 keeps messages under the path MTU; 1500 bytes is generous.</summary>
    public const int MaxMessageLength = 1500;

    /// <summary>Attribute count above which a message is treated as hostile.</summary>
    public const int MaxAttributes = 64;

    private const uint FingerprintXor = 0x5354554E;

    public static StunMessage BindingRequest(ChangeRequestFlags change = ChangeRequestFlags.None)
    {
        var attributes = new List<StunAttribute>();
        if (change != ChangeRequestFlags.None)
        {
            attributes.Add(StunAttributes.ChangeRequest(change));
        }

        return new StunMessage(StunMethod.Binding, StunClass.Request, NewTransactionId(), attributes);
    }

    public static byte[] NewTransactionId() => RandomNumberGenerator.GetBytes(12);

    public ushort MessageType => EncodeType(Method, Class);

    public StunAttribute? Find(ushort type) => Attributes.FirstOrDefault(a => a.Type == type);

    /// <summary>Serialises the message; with <paramref name="fingerprint"/> a FINGERPRINT attribute is appended last.</summary>
    public byte[] Encode(bool fingerprint = true)
    {
        if (TransactionId.Length != 12)
        {
            throw new InvalidOperationException("A STUN transaction id is 96 bits (12 bytes).");
        }

        var bodyLength = Attributes.Sum(a => 4 + Padded(a.Value.Length)) + (fingerprint ? 8 : 0);
        var buffer = new byte[HeaderLength + bodyLength];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, MessageType);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], MagicCookie);
        TransactionId.CopyTo(span[8..]);
        var offset = HeaderLength;
        foreach (var attribute in Attributes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], attribute.Type);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], (ushort)attribute.Value.Length);
            attribute.Value.CopyTo(span[(offset + 4)..]);
            offset += 4 + Padded(attribute.Value.Length);
        }

        if (fingerprint)
        {
            var crc = Crc32.Compute(span[..offset]) ^ FingerprintXor;
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], StunAttributeType.Fingerprint);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], 4);
            BinaryPrimitives.WriteUInt32BigEndian(span[(offset + 4)..], crc);
        }

        return buffer;
    }

    /// <summary>Parses and validates a STUN message; fails with <c>too-large</c> or <c>malformed</c> and what is wrong.</summary>
    public static Result<StunMessage> Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxMessageLength)
        {
            return Result<StunMessage>.Fail("too-large", $"STUN message of {data.Length} bytes exceeds the {MaxMessageLength}-byte limit");
        }

        if (data.Length < HeaderLength)
        {
            return Result<StunMessage>.Fail("malformed", $"truncated STUN message: {data.Length} bytes, the header alone is {HeaderLength}");
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(data);
        if ((type & 0xC000) != 0)
        {
            return Result<StunMessage>.Fail("malformed", $"not a STUN message: the first two bits are not zero (type 0x{type:X4})");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            return Result<StunMessage>.Fail("malformed", "not an RFC 5389 STUN message: magic cookie 0x2112A442 missing");
        }

        if (length % 4 != 0)
        {
            return Result<StunMessage>.Fail("malformed", $"STUN message length {length} is not a multiple of 4");
        }

        if (HeaderLength + length != data.Length)
        {
            return Result<StunMessage>.Fail("malformed", $"STUN length field says {length} attribute bytes but {data.Length - HeaderLength} were received");
        }

        var attributes = new List<StunAttribute>();
        var offset = HeaderLength;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                return Result<StunMessage>.Fail("malformed", $"truncated STUN attribute header at byte {offset}");
            }

            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var attributeLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (offset + 4 + attributeLength > data.Length)
            {
                return Result<StunMessage>.Fail("malformed", $"STUN attribute 0x{attributeType:X4} at byte {offset} claims {attributeLength} bytes, past the end of the message");
            }

            if (attributes.Count == MaxAttributes)
            {
                return Result<StunMessage>.Fail("malformed", $"STUN message has more than {MaxAttributes} attributes");
            }

            if (attributeType == StunAttributeType.Fingerprint)
            {
                if (attributeLength != 4 || offset + 8 != data.Length)
                {
                    return Result<StunMessage>.Fail("malformed", "FINGERPRINT must be the last attribute and 4 bytes long");
                }

                var expected = Crc32.Compute(data[..offset]) ^ FingerprintXor;
                var actual = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 4)..]);
                if (expected != actual)
                {
                    return Result<StunMessage>.Fail("malformed", $"FINGERPRINT mismatch: computed 0x{expected:X8}, message carries 0x{actual:X8}");
                }
            }

            attributes.Add(new StunAttribute(attributeType, data.Slice(offset + 4, attributeLength).ToArray()));
            offset += 4 + Padded(attributeLength);
        }

        if (offset != data.Length)
        {
            return Result<StunMessage>.Fail("malformed", "last STUN attribute's padding runs past the end of the message");
        }

        var (method, cls) = DecodeType(type);
        return new StunMessage(method, cls, data.Slice(8, 12).ToArray(), attributes);
    }

    internal static ushort EncodeType(ushort method, StunClass cls)
    {
        var c = (int)cls;
        return (ushort)(((method & 0x0F80) << 2) | ((method & 0x0070) << 1) | (method & 0x000F)
                        | ((c & 0x2) << 7) | ((c & 0x1) << 4));
    }

    internal static (ushort Method, StunClass Class) DecodeType(ushort type)
    {
        var method = (ushort)(((type & 0x3E00) >> 2) | ((type & 0x00E0) >> 1) | (type & 0x000F));
        var cls = (StunClass)(((type & 0x0100) >> 7) | ((type & 0x0010) >> 4));
        return (method, cls);
    }

    private static int Padded(int length) => (length + 3) & ~3;
}
