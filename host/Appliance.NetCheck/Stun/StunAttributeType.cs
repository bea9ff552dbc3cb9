namespace Appliance.NetCheck.Stun;

/// <summary>STUN attribute type codes (RFC 5389 section 18.2, RFC 5780 section 7).</summary>
public static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort ChangeRequest = 0x0003;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Padding = 0x0026;
    public const ushort ResponsePort = 0x0027;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort ResponseOrigin = 0x802B;
    public const ushort OtherAddress = 0x802C;
}

/// <summary>The class bits of a STUN message type (RFC 5389 section 6).</summary>
public enum StunClass
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}

/// <summary>STUN method codes. Only Binding is used by the network doctor.</summary>
public static class StunMethod
{
    public const ushort Binding = 0x001;
}

/// <summary>One attribute as it is on the wire: type and (unpadded) value.</summary>
public sealed record StunAttribute(ushort Type, byte[] Value);

/// <summary>CHANGE-REQUEST flags (RFC 5780 section 7.2).</summary>
[Flags]
public enum ChangeRequestFlags
{
    None = 0,
    ChangePort = 0x02,
    ChangeIp = 0x04,
}
