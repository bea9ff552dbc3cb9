using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Appliance.Plugins.Shared.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>
/// Builds one STUN message: attributes in order, then optionally MESSAGE-INTEGRITY and FINGERPRINT
/// (always last, in that order, as RFC 8489 requires).
/// </summary>
public sealed class StunMessageBuilder
{
    private readonly List<byte> _body = new(128);
    private readonly StunMessageType _type;
    private readonly byte[] _transactionId;

    public StunMessageBuilder(StunMessageType type, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != 12) throw new ArgumentException("a STUN transaction id is 12 bytes", nameof(transactionId));
        _type = type;
        _transactionId = transactionId.ToArray();
    }

    /// <summary>A new random 12-byte transaction id.</summary>
    public static byte[] NewTransactionId() => RandomNumberGenerator.GetBytes(12);

    public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(header, type);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)value.Length);
        foreach (var b in header) _body.Add(b);
        foreach (var b in value) _body.Add(b);
        while (_body.Count % 4 != 0) _body.Add(0);
        return this;
    }

    public StunMessageBuilder AddUsername(string username) => Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));

    public StunMessageBuilder AddUInt32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        return Add(type, v);
    }

    public StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        return Add(type, v);
    }

    public StunMessageBuilder AddXorMappedAddress(IPEndPoint endPoint) =>
        Add(StunAttributeType.XorMappedAddress, StunAddress.WriteXor(endPoint, _transactionId));

    /// <summary>An XOR-encoded address attribute of any type (XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS...).</summary>
    public StunMessageBuilder AddXorAddress(ushort type, IPEndPoint endPoint) => Add(type, StunAddress.WriteXor(endPoint, _transactionId));

    public StunMessageBuilder AddText(ushort type, string text) => Add(type, Encoding.UTF8.GetBytes(text));

    public StunMessageBuilder AddErrorCode(int code, string reason)
    {
        var text = Encoding.UTF8.GetBytes(reason);
        var v = new byte[4 + text.Length];
        v[2] = (byte)(code / 100);
        v[3] = (byte)(code % 100);
        text.CopyTo(v, 4);
        return Add(StunAttributeType.ErrorCode, v);
    }

    /// <summary>The message bytes, with MESSAGE-INTEGRITY when <paramref name="integrityKey"/> is given, and FINGERPRINT when asked.</summary>
    public byte[] Build(ReadOnlySpan<byte> integrityKey = default, bool fingerprint = true)
    {
        if (!integrityKey.IsEmpty)
        {
            var covered = Header(_body.Count + 24).Concat(_body).ToArray();
            var mac = HMACSHA1.HashData(integrityKey, covered);
            Add(StunAttributeType.MessageIntegrity, mac);
        }
        if (fingerprint)
        {
            var covered = Header(_body.Count + 8).Concat(_body).ToArray();
            var crc = StunWire.Fingerprint(covered);
            AddUInt32(StunAttributeType.Fingerprint, crc);
        }
        return Header(_body.Count).Concat(_body).ToArray();
    }

    private byte[] Header(int bodyLength)
    {
        var header = new byte[StunMessage.HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)_type);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), StunMessage.MagicCookie);
        _transactionId.CopyTo(header, 8);
        return header;
    }
}
