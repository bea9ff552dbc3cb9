using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Shared.Stun;

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
        => new(type, StunWire.WriteAddress(endPoint, xor: false, transactionId: []));

    public static StunAttribute XorMappedAddress(IPEndPoint endPoint, byte[] transactionId)
        => new(StunAttributeType.XorMappedAddress, StunWire.WriteAddress(endPoint, xor: true, transactionId));

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
        => StunWire.ReadAddress(attribute.Value, attribute.Type == StunAttributeType.XorMappedAddress, transactionId, attribute.Type);

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
}
