using System.Buffers.Binary;
using System.Security.Cryptography;
using Appliance.Plugins.Shared.Stun;

namespace Appliance.NetCheck.Stun;

/// <summary>
/// A STUN message (RFC 5389 section 6): 20-byte header (type, length, magic cookie, 96-bit transaction id)
/// followed by TLV attributes padded to 4 bytes. Message integrity is not used: Binding needs no credentials.
/// </summary>
public sealed record StunMessage(ushort Method, StunClass Class, byte[] TransactionId, IReadOnlyList<StunAttribute> Attributes)
{
    public const uint MagicCookie = StunWire.MagicCookie;
    public const int HeaderLength = StunWire.HeaderLength;

    /// <summary>Largest message accepted (<see cref="StunWire.MaxLength"/>).</summary>
    public const int MaxMessageLength = StunWire.MaxLength;

    /// <summary>Attribute count above which a message is treated as hostile.</summary>
    public const int MaxAttributes = StunWire.MaxAttributes;

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

        var bodyLength = Attributes.Sum(a => 4 + StunWire.Padded(a.Value.Length)) + (fingerprint ? 8 : 0);
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
            offset += 4 + StunWire.Padded(attribute.Value.Length);
        }

        if (fingerprint)
        {
            var crc = StunWire.Fingerprint(span[..offset]);
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], StunAttributeType.Fingerprint);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], 4);
            BinaryPrimitives.WriteUInt32BigEndian(span[(offset + 4)..], crc);
        }

        return buffer;
    }

    /// <summary>Parses and validates a STUN message (<see cref="StunWire.ReadAttributes"/>); fails with <c>too-large</c>, <c>malformed</c> or <c>bad-fingerprint</c> and what is wrong.</summary>
    public static Result<StunMessage> Parse(ReadOnlySpan<byte> data)
    {
        if (!StunWire.ReadAttributes(data).TryGetValue(out var read, out var failure))
        {
            return failure;
        }

        var attributes = new List<StunAttribute>(read.Count);
        foreach (var a in read)
        {
            attributes.Add(new StunAttribute(a.Type, data.Slice(a.ValueOffset, a.Length).ToArray()));
        }
        var (method, cls) = DecodeType(BinaryPrimitives.ReadUInt16BigEndian(data));
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
}
