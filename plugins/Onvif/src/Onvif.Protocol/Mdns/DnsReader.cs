using Appliance.Abstractions;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>
/// Decodes DNS messages (RFC 1035 section 4) defensively: every length is checked against the data, compression
/// pointers (section 4.1.4) must point strictly backwards past every earlier jump (so loops cannot exist) and inside
/// the message, names stay within 255 octets, and record counts cannot claim more records than the bytes can hold.
/// </summary>
public static class DnsReader
{
    /// <summary>mDNS messages fit one datagram (RFC 6762 section 17: at most 9000 bytes, with jumbo frames).</summary>
    public const int MaxMessageBytes = 9000;

    private const int HeaderLength = 12;
    private const int MinQuestionLength = 5;
    private const int MinRecordLength = 11;

    public static Result<DnsMessage> Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxMessageBytes)
            return Fail($"DNS message of {data.Length} bytes exceeds {MaxMessageBytes} bytes");
        if (data.Length < HeaderLength)
            return Fail($"DNS message of {data.Length} bytes is shorter than the 12-byte header");
        var id = BinaryPrimitives.ReadUInt16BigEndian(data);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        var qd = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        var ns = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        var ar = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        var minimum = (long)qd * MinQuestionLength + ((long)an + ns + ar) * MinRecordLength;
        if (HeaderLength + minimum > data.Length)
            return Fail($"header claims {qd} questions and {an + ns + ar} records, more than the {data.Length - HeaderLength} bytes after the header can hold");
        try
        {
            var position = HeaderLength;
            var questions = new List<DnsQuestion>(qd);
            for (var i = 0; i < qd; i++)
            {
                var name = ReadName(data, ref position, $"question {i + 1}");
                Need(data, position, 4, $"question {i + 1}");
                var type = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
                var @class = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
                position += 4;
                questions.Add(new DnsQuestion(name, (DnsType)type, (@class & 0x8000) != 0));
            }
            var answers = ReadRecords(data, ref position, an, "answer");
            var authorities = ReadRecords(data, ref position, ns, "authority");
            var additionals = ReadRecords(data, ref position, ar, "additional");
            return new DnsMessage(id, flags, questions, answers, authorities, additionals);
        }
        catch (DnsFormatException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static List<DnsResourceRecord> ReadRecords(ReadOnlySpan<byte> data, ref int position, int count, string section)
    {
        var records = new List<DnsResourceRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var where = $"{section} {i + 1} of {count}";
            var name = ReadName(data, ref position, where);
            Need(data, position, 10, where);
            var type = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            var @class = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(data[(position + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 8)..]);
            position += 10;
            Need(data, position, length, $"{where} ({(DnsType)type} RDATA of {length} bytes)");
            var end = position + length;
            var cacheFlush = (@class & 0x8000) != 0;
            records.Add(ReadRdata(data, position, end, name, type, ttl, cacheFlush, where));
            position = end;
        }
        return records;
    }

    private static DnsResourceRecord ReadRdata(ReadOnlySpan<byte> data, int start, int end, string name, ushort type, uint ttl, bool flush, string where)
    {
        var length = end - start;
        var position = start;
        switch ((DnsType)type)
        {
            case DnsType.A:
                if (length != 4) throw new DnsFormatException($"{where}: A record with {length} bytes of RDATA, expected 4");
                return new AddressRecord(name, ttl, flush, new IPAddress(data.Slice(start, 4)));
            case DnsType.Aaaa:
                if (length != 16) throw new DnsFormatException($"{where}: AAAA record with {length} bytes of RDATA, expected 16");
                return new AddressRecord(name, ttl, flush, new IPAddress(data.Slice(start, 16)));
            case DnsType.Ptr:
                var target = ReadName(data, ref position, where);
                InsideRdata(position, end, where);
                return new PtrRecord(name, ttl, flush, target);
            case DnsType.Srv:
                if (length < 7) throw new DnsFormatException($"{where}: SRV record with {length} bytes of RDATA, expected at least 7");
                var priority = BinaryPrimitives.ReadUInt16BigEndian(data[start..]);
                var weight = BinaryPrimitives.ReadUInt16BigEndian(data[(start + 2)..]);
                var port = BinaryPrimitives.ReadUInt16BigEndian(data[(start + 4)..]);
                position = start + 6;
                var host = ReadName(data, ref position, where);
                InsideRdata(position, end, where);
                return new SrvRecord(name, ttl, flush, priority, weight, port, host);
            case DnsType.Txt:
                var strings = new List<byte[]>();
                while (position < end)
                {
                    var stringLength = data[position];
                    if (position + 1 + stringLength > end)
                        throw new DnsFormatException($"{where}: TXT character-string of {stringLength} bytes runs past the RDATA");
                    strings.Add(data.Slice(position + 1, stringLength).ToArray());
                    position += 1 + stringLength;
                }
                return new TxtRecord(name, ttl, flush, strings);
            default:
                return new UnknownRecord(name, ttl, flush, type, data[start..end].ToArray());
        }
    }

    /// <summary>Reads a possibly compressed name; <paramref name="position"/> ends after the name's in-place bytes.</summary>
    private static string ReadName(ReadOnlySpan<byte> data, ref int position, string where)
    {
        var labels = new List<string>();
        var cursor = position;
        var limit = position;
        var jumped = false;
        var octets = 1;
        while (true)
        {
            Need(data, cursor, 1, where);
            var length = data[cursor];
            switch (length & 0xC0)
            {
                case 0x00:
                    if (length == 0)
                    {
                        if (!jumped) position = cursor + 1;
                        return DnsName.Join(labels);
                    }
                    Need(data, cursor + 1, length, $"{where}: label");
                    octets += length + 1;
                    if (octets > DnsName.MaxLength)
                        throw new DnsFormatException($"{where}: name longer than {DnsName.MaxLength} octets");
                    labels.Add(Encoding.UTF8.GetString(data.Slice(cursor + 1, length)));
                    cursor += 1 + length;
                    break;
                case 0xC0:
                    Need(data, cursor, 2, $"{where}: compression pointer");
                    var target = ((length & 0x3F) << 8) | data[cursor + 1];
                    if (target >= data.Length)
                        throw new DnsFormatException($"{where}: compression pointer to offset {target} outside the {data.Length}-byte message");
                    if (target >= limit)
                        throw new DnsFormatException($"{where}: compression pointer to offset {target} does not point backwards (loop or forward reference)");
                    if (!jumped) position = cursor + 2;
                    jumped = true;
                    limit = target;
                    cursor = target;
                    break;
                default:
                    throw new DnsFormatException($"{where}: reserved label type 0x{length & 0xC0:x2} (RFC 6891 extended labels are not used by mDNS)");
            }
        }
    }

    private static void Need(ReadOnlySpan<byte> data, int position, int count, string where)
    {
        if (position < 0 || position + count > data.Length)
            throw new DnsFormatException($"{where}: truncated (needs {count} bytes at offset {position}, message has {data.Length})");
    }

    private static void InsideRdata(int position, int end, string where)
    {
        if (position > end) throw new DnsFormatException($"{where}: name runs past the record's RDATA length");
    }

    private static Result<DnsMessage> Fail(string message) => Result<DnsMessage>.Fail(ErrorKind.MalformedDns, message);

    private sealed class DnsFormatException(string message) : Exception(message);
}
