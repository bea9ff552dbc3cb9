using System.Net;
using Appliance.Plugins.Shared.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>XOR-encoded address attributes (RFC 8489 section 14.2) for IPv4 and IPv6, read and written by the shared <see cref="StunWire"/>.</summary>
internal static class StunAddress
{
    /// <summary>The address, or null when the value is not a valid XOR address.</summary>
    public static IPEndPoint? ReadXor(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId) =>
        StunWire.ReadAddress(value, xor: true, transactionId, type: 0) is { IsOk: true } address ? address.Value : null;

    public static byte[] WriteXor(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId) =>
        StunWire.WriteAddress(endPoint, xor: true, transactionId);
}
