using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>XOR-MAPPED-ADDRESS encoding (RFC 8489 section 14.2) for IPv4 and IPv6.</summary>
internal static class StunAddress
{
    public static IPEndPoint? ReadXor(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId)
    {
        if (value.Length < 8) return null;
        var family = value[1];
        var port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (StunMessage.MagicCookie >> 16));
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        if (family == 1 && value.Length == 8)
        {
            Span<byte> a = stackalloc byte[4];
            for (var i = 0; i < 4; i++) a[i] = (byte)(value[4 + i] ^ mask[i]);
            return new IPEndPoint(new IPAddress(a), port);
        }
        if (family == 2 && value.Length == 20)
        {
            Span<byte> a = stackalloc byte[16];
            for (var i = 0; i < 16; i++) a[i] = (byte)(value[4 + i] ^ mask[i]);
            return new IPEndPoint(new IPAddress(a), port);
        }
        return null;
    }

    public static byte[] WriteXor(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var raw = address.GetAddressBytes();
        var value = new byte[4 + raw.Length];
        value[1] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)1 : (byte)2;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), (ushort)(endPoint.Port ^ (StunMessage.MagicCookie >> 16)));
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (var i = 0; i < raw.Length; i++) value[4 + i] = (byte)(raw[i] ^ mask[i]);
        return value;
    }
}
