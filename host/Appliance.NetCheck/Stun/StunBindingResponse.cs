using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Appliance.NetCheck.Stun;

/// <summary>What a Binding success response tells the client (RFC 5389 section 7.3.3, RFC 5780 section 7).</summary>
public sealed record StunBindingResponse(
    IPEndPoint MappedAddress,
    IPEndPoint? OtherAddress,
    IPEndPoint? ResponseOrigin,
    IPEndPoint ReceivedFrom,
    bool AlgSuspected,
    TimeSpan RoundTrip)
{
    /// <summary>Reads a Binding response. Error responses and missing addresses are reported through <paramref name="error"/>.</summary>
    public static bool TryRead(StunMessage message, IPEndPoint receivedFrom, TimeSpan roundTrip,
        [NotNullWhen(true)] out StunBindingResponse? response, out string error)
    {
        response = null;
        if (message.Method != StunMethod.Binding)
        {
            error = $"expected a Binding response, got method 0x{message.Method:X3}";
            return false;
        }

        if (message.Class == StunClass.ErrorResponse)
        {
            var attribute = message.Find(StunAttributeType.ErrorCode);
            error = attribute is not null && StunAttributes.TryReadErrorCode(attribute, out var code, out _)
                ? $"STUN server answered with error {code.Code} {code.Reason}"
                : "STUN server answered with an error response without a readable ERROR-CODE";
            return false;
        }

        if (message.Class != StunClass.SuccessResponse)
        {
            error = $"expected a Binding success response, got class {message.Class}";
            return false;
        }

        IPEndPoint? xorMapped = null;
        IPEndPoint? mapped = null;
        IPEndPoint? other = null;
        IPEndPoint? origin = null;
        foreach (var attribute in message.Attributes)
        {
            IPEndPoint? value;
            switch (attribute.Type)
            {
                case StunAttributeType.XorMappedAddress:
                case StunAttributeType.MappedAddress:
                case StunAttributeType.OtherAddress:
                case StunAttributeType.ResponseOrigin:
                    if (!StunAttributes.TryReadAddress(attribute, message.TransactionId, out value, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    continue;
            }

            switch (attribute.Type)
            {
                case StunAttributeType.XorMappedAddress: xorMapped ??= value; break;
                case StunAttributeType.MappedAddress: mapped ??= value; break;
                case StunAttributeType.OtherAddress: other ??= value; break;
                default: origin ??= value; break;
            }
        }

        var best = xorMapped ?? mapped;
        if (best is null)
        {
            error = "Binding response carries neither XOR-MAPPED-ADDRESS nor MAPPED-ADDRESS";
            return false;
        }

        var alg = xorMapped is not null && mapped is not null && !xorMapped.Equals(mapped);
        response = new StunBindingResponse(best, other, origin, receivedFrom, alg, roundTrip);
        error = string.Empty;
        return true;
    }
}
