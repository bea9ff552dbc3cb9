using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>Encodes DNS messages with name compression (RFC 1035 section 4.1.4): every name suffix already written is reused by pointer.</summary>
public static class DnsWriter
{
    public static byte[] Encode(DnsMessage message)
    {
        var writer = new Writer();
        writer.U16(message.Id);
        writer.U16(message.Flags);
        writer.U16((ushort)message.Questions.Count);
        writer.U16((ushort)message.Answers.Count);
        writer.U16((ushort)message.Authorities.Count);
        writer.U16((ushort)message.Additionals.Count);
        foreach (var q in message.Questions)
        {
            writer.Name(q.Name);
            writer.U16((ushort)q.Type);
            writer.U16((ushort)(1 | (q.UnicastResponse ? 0x8000 : 0)));
        }
        foreach (var record in message.Answers.Concat(message.Authorities).Concat(message.Additionals))
            writer.Record(record);
        return writer.ToArray();
    }

    private sealed class Writer
    {
        private readonly MemoryStream _stream = new();
        private readonly Dictionary<string, int> _suffixes = new(StringComparer.OrdinalIgnoreCase);

        public byte[] ToArray() => _stream.ToArray();

        public void U16(ushort value)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
            _stream.Write(b);
        }

        private void U32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
            _stream.Write(b);
        }

        public void Name(string name)
        {
            var labels = DnsName.Split(name);
            for (var i = 0; i < labels.Count; i++)
            {
                var suffix = DnsName.Join(labels.Skip(i));
                if (_suffixes.TryGetValue(suffix, out var offset))
                {
                    U16((ushort)(0xC000 | offset));
                    return;
                }
                if (_stream.Position < 0x3FFF) _suffixes[suffix] = (int)_stream.Position;
                var bytes = Encoding.UTF8.GetBytes(labels[i]);
                if (bytes.Length > DnsName.MaxLabelLength)
                    throw new ArgumentException($"label \"{labels[i]}\" is longer than {DnsName.MaxLabelLength} octets", nameof(name));
                _stream.WriteByte((byte)bytes.Length);
                _stream.Write(bytes);
            }
            _stream.WriteByte(0);
        }

        public void Record(DnsResourceRecord record)
        {
            Name(record.Name);
            U16((ushort)record.Type);
            U16((ushort)(1 | (record.CacheFlush ? 0x8000 : 0)));
            U32(record.Ttl);
            var lengthAt = _stream.Position;
            U16(0);
            var start = _stream.Position;
            switch (record)
            {
                case AddressRecord a:
                    var bytes = a.Address.GetAddressBytes();
                    if (a.Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                        throw new ArgumentException("address record needs an IPv4 or IPv6 address");
                    _stream.Write(bytes);
                    break;
                case PtrRecord p:
                    Name(p.DomainName);
                    break;
                case SrvRecord s:
                    U16(s.Priority);
                    U16(s.Weight);
                    U16(s.Port);
                    Name(s.Target);
                    break;
                case TxtRecord t:
                    foreach (var s in t.Strings)
                    {
                        if (s.Length > 255) throw new ArgumentException("TXT character-string longer than 255 bytes");
                        _stream.WriteByte((byte)s.Length);
                        _stream.Write(s);
                    }
                    if (t.Strings.Count == 0) _stream.WriteByte(0);
                    break;
                case UnknownRecord u:
                    _stream.Write(u.Data);
                    break;
            }
            var end = _stream.Position;
            _stream.Position = lengthAt;
            U16((ushort)(end - start));
            _stream.Position = end;
        }
    }
}
