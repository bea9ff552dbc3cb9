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
    /// <summary>Reads a Binding response; an error response (<c>refused</c>), another message or a missing address (<c>malformed</c>) fails.</summary>
    public static Result<StunBindingResponse> Read(StunMessage message, IPEndPoint receivedFrom, TimeSpan roundTrip)
    {
        if (message.Method != StunMethod.Binding)
        {
            return Result<StunBindingResponse>.Fail("malformed", $"expected a Binding response, got method 0x{message.Method:X3}");
        }

        if (message.Class == StunClass.ErrorResponse)
        {
            var attribute = message.Find(StunAttributeType.ErrorCode);
            return Result<StunBindingResponse>.Fail("refused", attribute is not null && StunAttributes.ReadErrorCode(attribute).TryGetValue(out var code, out _)
                ? $"STUN server answered with error {code.Code} {code.Reason}"
                : "STUN server answered with an error response without a readable ERROR-CODE");
        }

        if (message.Class != StunClass.SuccessResponse)
        {
            return Result<StunBindingResponse>.Fail("malformed", $"expected a Binding success response, got class {message.Class}");
        }

        IPEndPoint? xorMapped = null;
        IPEndPoint? mapped = null;
        IPEndPoint? other = null;
        IPEndPoint? origin = null;
        foreach (var attribute in message.Attributes)
        {
            IPEndPoint value;
            switch (attribute.Type)
            {
                case StunAttributeType.XorMappedAddress:
                case StunAttributeType.MappedAddress:
                case StunAttributeType.OtherAddress:
                case StunAttributeType.ResponseOrigin:
                    if (!StunAttributes.ReadAddress(attribute, message.TransactionId).TryGetValue(out value, out var failure))
                    {
                        return failure;
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
            return Result<StunBindingResponse>.Fail("malformed", "Binding response carries neither XOR-MAPPED-ADDRESS nor MAPPED-ADDRESS");
        }

        var alg = xorMapped is not null && mapped is not null && !xorMapped.Equals(mapped);
        return new StunBindingResponse(best, other, origin, receivedFrom, alg, roundTrip);
    }
}
