using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Appliance.NetCheck.Stun;

/// <summary>ERROR-CODE (RFC 5389 section 15.6).</summary>
public sealed record StunErrorCode(int Code, string Reason);

/// <summary>Encoders and decoders for the attribute values the network doctor uses.</summary>
public static class StunAttributes
{
    public static StunAttribute ChangeRequest(ChangeRequestFlags flags)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)flags);
        return new StunAttribute(StunAttributeType.ChangeRequest, value);
    }

    public static Result<ChangeRequestFlags> ReadChangeRequest(StunAttribute attribute)
    {
        if (attribute.Value.Length != 4)
        {
            return Result<ChangeRequestFlags>.Fail("malformed", $"CHANGE-REQUEST must be 4 bytes, got {attribute.Value.Length}");
        }

        return (ChangeRequestFlags)(BinaryPrimitives.ReadUInt32BigEndian(attribute.Value) & 0x6);
    }

    /// <summary>MAPPED-ADDRESS, RESPONSE-ORIGIN and OTHER-ADDRESS share this encoding.</summary>
    public static StunAttribute Address(ushort type, IPEndPoint endPoint)
        => new(type, EncodeAddress(endPoint, xor: false, transactionId: []));

    public static StunAttribute XorMappedAddress(IPEndPoint endPoint, byte[] transactionId)
        => new(StunAttributeType.XorMappedAddress, EncodeAddress(endPoint, xor: true, transactionId));

    public static StunAttribute ErrorCode(int code, string reason)
    {
        var text = Encoding.UTF8.GetBytes(reason);
        var value = new byte[4 + text.Length];
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        text.CopyTo(value, 4);
        return new StunAttribute(StunAttributeType.ErrorCode, value);
    }

    public static Result<IPEndPoint> ReadAddress(StunAttribute attribute, byte[] transactionId)
    {
        var xor = attribute.Type == StunAttributeType.XorMappedAddress;
        var value = attribute.Value;
        if (value.Length < 4)
        {
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{attribute.Type:X4} is truncated ({value.Length} bytes)");
        }

        var family = value[1];
        var expectedLength = family switch { 0x01 => 8, 0x02 => 20, _ => -1 };
        if (expectedLength < 0)
        {
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{attribute.Type:X4} has unknown family 0x{family:X2}");
        }

        if (value.Length != expectedLength)
        {
            return Result<IPEndPoint>.Fail("malformed", $"address attribute 0x{attribute.Type:X4} for family 0x{family:X2} must be {expectedLength} bytes, got {value.Length}");
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value.AsSpan(2));
        var address = value.AsSpan(4).ToArray();
        if (xor)
        {
            port ^= (ushort)(StunMessage.MagicCookie >> 16);
            var mask = XorMask(transactionId);
            for (var i = 0; i < address.Length; i++)
            {
                address[i] ^= mask[i];
            }
        }

        return new IPEndPoint(new IPAddress(address), port);
    }

    public static Result<StunErrorCode> ReadErrorCode(StunAttribute attribute)
    {
        var value = attribute.Value;
        if (value.Length < 4 || value.Length > 4 + 763)
        {
            return Result<StunErrorCode>.Fail("malformed", $"ERROR-CODE must be 4 to 767 bytes, got {value.Length}");
        }

        var cls = value[2] & 0x07;
        var number = value[3];
        if (cls is < 3 or > 6 || number > 99)
        {
            return Result<StunErrorCode>.Fail("malformed", $"ERROR-CODE class {cls} / number {number} is out of range");
        }

        return new StunErrorCode((cls * 100) + number, Encoding.UTF8.GetString(value, 4, value.Length - 4));
    }

    private static byte[] EncodeAddress(IPEndPoint endPoint, bool xor, byte[] transactionId)
    {
        var address = endPoint.Address.GetAddressBytes();
        var family = endPoint.AddressFamily == AddressFamily.InterNetwork ? (byte)0x01 : (byte)0x02;
        var value = new byte[4 + address.Length];
        value[1] = family;
        var port = (ushort)endPoint.Port;
        if (xor)
        {
            port ^= (ushort)(StunMessage.MagicCookie >> 16);
            var mask = XorMask(transactionId);
            for (var i = 0; i < address.Length; i++)
            {
                address[i] ^= mask[i];
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), port);
        address.CopyTo(value, 4);
        return value;
    }

    private static byte[] XorMask(byte[] transactionId)
    {
        var mask = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask, 4);
        return mask;
    }
}
