using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
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

    /// <summary>Parses and validates a STUN message. On failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message, out string error)
    {
        message = null;
        if (data.Length > MaxMessageLength)
        {
            error = $"STUN message of {data.Length} bytes exceeds the {MaxMessageLength}-byte limit";
            return false;
        }

        if (data.Length < HeaderLength)
        {
            error = $"truncated STUN message: {data.Length} bytes, the header alone is {HeaderLength}";
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(data);
        if ((type & 0xC000) != 0)
        {
            error = $"not a STUN message: the first two bits are not zero (type 0x{type:X4})";
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            error = "not an RFC 5389 STUN message: magic cookie 0x2112A442 missing";
            return false;
        }

        if (length % 4 != 0)
        {
            error = $"STUN message length {length} is not a multiple of 4";
            return false;
        }

        if (HeaderLength + length != data.Length)
        {
            error = $"STUN length field says {length} attribute bytes but {data.Length - HeaderLength} were received";
            return false;
        }

        var attributes = new List<StunAttribute>();
        var offset = HeaderLength;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                error = $"truncated STUN attribute header at byte {offset}";
                return false;
            }

            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var attributeLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (offset + 4 + attributeLength > data.Length)
            {
                error = $"STUN attribute 0x{attributeType:X4} at byte {offset} claims {attributeLength} bytes, past the end of the message";
                return false;
            }

            if (attributes.Count == MaxAttributes)
            {
                error = $"STUN message has more than {MaxAttributes} attributes";
                return false;
            }

            if (attributeType == StunAttributeType.Fingerprint)
            {
                if (attributeLength != 4 || offset + 8 != data.Length)
                {
                    error = "FINGERPRINT must be the last attribute and 4 bytes long";
                    return false;
                }

                var expected = Crc32.Compute(data[..offset]) ^ FingerprintXor;
                var actual = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 4)..]);
                if (expected != actual)
                {
                    error = $"FINGERPRINT mismatch: computed 0x{expected:X8}, message carries 0x{actual:X8}";
                    return false;
                }
            }

            attributes.Add(new StunAttribute(attributeType, data.Slice(offset + 4, attributeLength).ToArray()));
            offset += 4 + Padded(attributeLength);
        }

        if (offset != data.Length)
        {
            error = "last STUN attribute's padding runs past the end of the message";
            return false;
        }

        var (method, cls) = DecodeType(type);
        message = new StunMessage(method, cls, data.Slice(8, 12).ToArray(), attributes);
        error = string.Empty;
        return true;
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
