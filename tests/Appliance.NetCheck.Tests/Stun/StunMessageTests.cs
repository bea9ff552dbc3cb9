using System.Buffers.Binary;
using System.Net;
using Appliance.NetCheck.Stun;
using Xunit;

namespace Appliance.NetCheck.Tests.Stun;

public class StunMessageTests
{
    /// <summary>RFC 5769 section 2.2 "Sample IPv4 Response" (with MESSAGE-INTEGRITY, which we carry but do not check).</summary>
    private static readonly byte[] Rfc5769Ipv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000080001a147e112a643" +
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004c07d4c96");

    /// <summary>RFC 5769 section 2.3 "Sample IPv6 Response".</summary>
    private static readonly byte[] Rfc5769Ipv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004c8fb0b4c");

    [Fact]
    public void Rfc5769_ipv4_response_parses_with_fingerprint_and_xor_mapped_address()
    {
        var message = Ok(StunMessage.Parse(Rfc5769Ipv4Response));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        var response = Ok(StunBindingResponse.Read(message, new IPEndPoint(IPAddress.Loopback, 1), TimeSpan.Zero));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), response.MappedAddress);
    }

    [Fact]
    public void Rfc5769_ipv6_response_parses()
    {
        var message = Ok(StunMessage.Parse(Rfc5769Ipv6Response));
        var response = Ok(StunBindingResponse.Read(message, new IPEndPoint(IPAddress.Loopback, 1), TimeSpan.Zero));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), response.MappedAddress);
    }

    [Fact]
    public void Binding_request_with_change_request_round_trips()
    {
        var request = StunMessage.BindingRequest(ChangeRequestFlags.ChangeIp | ChangeRequestFlags.ChangePort);
        var bytes = request.Encode();
        Assert.Equal(0x0001, BinaryPrimitives.ReadUInt16BigEndian(bytes));
        var parsed = Ok(StunMessage.Parse(bytes));
        Assert.Equal(request.TransactionId, parsed.TransactionId);
        Assert.Equal(StunClass.Request, parsed.Class);
        var flags = Ok(StunAttributes.ReadChangeRequest(parsed.Find(StunAttributeType.ChangeRequest)!));
        Assert.Equal(ChangeRequestFlags.ChangeIp | ChangeRequestFlags.ChangePort, flags);
        Assert.NotNull(parsed.Find(StunAttributeType.Fingerprint));
    }

    [Theory]
    [InlineData(StunClass.Request, 0x0001)]
    [InlineData(StunClass.Indication, 0x0011)]
    [InlineData(StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunClass.ErrorResponse, 0x0111)]
    public void Message_type_encodes_class_bits_per_rfc5389_figure_3(StunClass cls, int expected)
    {
        Assert.Equal(expected, StunMessage.EncodeType(StunMethod.Binding, cls));
        Assert.Equal((StunMethod.Binding, cls), StunMessage.DecodeType((ushort)expected));
    }

    [Fact]
    public void Response_with_other_address_and_response_origin_round_trips()
    {
        var id = StunMessage.NewTransactionId();
        var mapped = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000);
        var other = new IPEndPoint(IPAddress.Parse("198.51.100.2"), 3479);
        var origin = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 3478);
        var message = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, id,
        [
            StunAttributes.XorMappedAddress(mapped, id),
            StunAttributes.Address(StunAttributeType.MappedAddress, mapped),
            StunAttributes.Address(StunAttributeType.OtherAddress, other),
            StunAttributes.Address(StunAttributeType.ResponseOrigin, origin),
        ]);
        var parsed = Ok(StunMessage.Parse(message.Encode()));
        var response = Ok(StunBindingResponse.Read(parsed, origin, TimeSpan.Zero));
        Assert.Equal(mapped, response.MappedAddress);
        Assert.Equal(other, response.OtherAddress);
        Assert.Equal(origin, response.ResponseOrigin);
        Assert.False(response.AlgSuspected);
    }

    [Fact]
    public void Error_response_reports_code_and_reason()
    {
        var id = StunMessage.NewTransactionId();
        var message = new StunMessage(StunMethod.Binding, StunClass.ErrorResponse, id, [StunAttributes.ErrorCode(420, "Unknown Attribute")]);
        var parsed = Ok(StunMessage.Parse(message.Encode()));
        var read = StunBindingResponse.Read(parsed, new IPEndPoint(IPAddress.Loopback, 1), TimeSpan.Zero);
        Assert.Equal("STUN server answered with error 420 Unknown Attribute", read.Failure?.Message);
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        var good = StunMessage.BindingRequest().Encode(fingerprint: false);
        var withFingerprint = StunMessage.BindingRequest().Encode();
        var badFingerprint = (byte[])withFingerprint.Clone();
        badFingerprint[^1] ^= 0xFF;
        var badCookie = (byte[])good.Clone();
        badCookie[4] = 0;
        var topBits = (byte[])good.Clone();
        topBits[0] = 0x80;
        var lengthTooLong = (byte[])good.Clone();
        lengthTooLong[3] = 8;
        var oddLength = Concat(good[..2], [0x00, 0x02], good[4..20], [0x00, 0x01]);
        var attributePastEnd = Concat(good[..2], [0x00, 0x04], good[4..20], [0x00, 0x20, 0x00, 0x40]);
        var badFamily = AttributeMessage(StunAttributeType.XorMappedAddress, [0x00, 0x07, 0x00, 0x01, 1, 2, 3, 4]);
        var shortAddress = AttributeMessage(StunAttributeType.XorMappedAddress, [0x00, 0x01, 0x00, 0x01, 1, 2]);
        var fingerprintNotLast = Concat(withFingerprint[..2], [0x00, 0x10], withFingerprint[4..], [0x80, 0x22, 0x00, 0x04, 0x61, 0x62, 0x63, 0x64]);
        var tooManyAttributes = Concat(good[..2], [0x01, 0x04], good[4..20], Enumerable.Repeat(new byte[] { 0x80, 0x22, 0x00, 0x00 }, 65).SelectMany(b => b).ToArray());
        return new TheoryData<string, byte[], string>
        {
            { "empty", [], "truncated STUN message" },
            { "truncated header", good[..12], "truncated STUN message" },
            { "oversized", new byte[1600], "exceeds the 1500-byte limit" },
            { "magic cookie", badCookie, "magic cookie" },
            { "top bits", topBits, "first two bits" },
            { "length beyond data", lengthTooLong, "length field says 8" },
            { "length not multiple of 4", oddLength, "not a multiple of 4" },
            { "attribute past end", attributePastEnd, "past the end of the message" },
            { "fingerprint mismatch", badFingerprint, "FINGERPRINT mismatch" },
            { "fingerprint not last", fingerprintNotLast, "FINGERPRINT must be the last attribute" },
            { "too many attributes", tooManyAttributes, "more than 64 attributes" },
            { "unknown address family", badFamily, "unknown family 0x07" },
            { "short address", shortAddress, "must be 8 bytes" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_are_rejected_with_a_clear_error(string name, byte[] data, string expected)
    {
        // Structurally valid messages with bad attribute values fail when the response is read.
        var read = StunMessage.Parse(data).Bind(message => StunBindingResponse.Read(message, new IPEndPoint(IPAddress.Loopback, 1), TimeSpan.Zero));
        Assert.False(read.IsOk, name);
        Assert.Contains(expected, read.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(5389);
        for (var i = 0; i < 5000; i++)
        {
            var data = new byte[random.Next(0, 120)];
            random.NextBytes(data);
            if (data.Length >= 8 && i % 2 == 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), StunMessage.MagicCookie);
                data[0] &= 0x3F;
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)((data.Length - 20) & ~3));
            }

            var read = StunMessage.Parse(data).Bind(message => StunBindingResponse.Read(message, new IPEndPoint(IPAddress.Loopback, 1), TimeSpan.Zero));
            Assert.True(read.IsOk || read.Failure!.Message.Length > 0, "a rejected message must say why");
        }
    }

    private static T Ok<T>(Appliance.Abstractions.Result<T> result)
    {
        Assert.True(result.IsOk, result.ToString());
        return result.Value;
    }

    private static byte[] AttributeMessage(ushort type, byte[] value)
    {
        var id = StunMessage.NewTransactionId();
        return new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, id, [new StunAttribute(type, value)]).Encode(fingerprint: false);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
