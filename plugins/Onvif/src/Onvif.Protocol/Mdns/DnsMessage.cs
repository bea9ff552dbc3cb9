using System.Net;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>Resource record TYPE values (RFC 1035 section 3.2.2, RFC 2782, RFC 3596, RFC 4034).</summary>
public enum DnsType : ushort
{
    A = 1,
    Ptr = 12,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Nsec = 47,
    Any = 255,
}

/// <summary>A question (RFC 1035 section 4.1.2); <see cref="UnicastResponse"/> is mDNS's QU bit (RFC 6762 section 5.4).</summary>
public sealed record DnsQuestion(string Name, DnsType Type, bool UnicastResponse = false);

/// <summary>A resource record (RFC 1035 section 4.1.3); <see cref="CacheFlush"/> is mDNS's top bit of CLASS (RFC 6762 section 10.2).</summary>
public abstract record DnsResourceRecord(string Name, uint Ttl, bool CacheFlush)
{
    public abstract DnsType Type { get; }
}

public sealed record PtrRecord(string Name, uint Ttl, bool CacheFlush, string DomainName) : DnsResourceRecord(Name, Ttl, CacheFlush)
{
    public override DnsType Type => DnsType.Ptr;
}

/// <summary>RFC 2782: where a service instance runs.</summary>
public sealed record SrvRecord(string Name, uint Ttl, bool CacheFlush, ushort Priority, ushort Weight, ushort Port, string Target) : DnsResourceRecord(Name, Ttl, CacheFlush)
{
    public override DnsType Type => DnsType.Srv;
}

/// <summary>TXT character-strings; RFC 6763 section 6 reads them as <c>key=value</c> attributes.</summary>
public sealed record TxtRecord(string Name, uint Ttl, bool CacheFlush, IReadOnlyList<byte[]> Strings) : DnsResourceRecord(Name, Ttl, CacheFlush)
{
    public override DnsType Type => DnsType.Txt;

    /// <summary>RFC 6763 section 6.3-6.4: keys case-insensitive, the first occurrence wins, a key without '=' is a boolean (value "").</summary>
    public IReadOnlyDictionary<string, string> Attributes()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in Strings)
        {
            if (s.Length == 0) continue;
            var text = System.Text.Encoding.UTF8.GetString(s);
            var eq = text.IndexOf('=');
            var key = eq < 0 ? text : text[..eq];
            if (key.Length == 0) continue;
            result.TryAdd(key, eq < 0 ? "" : text[(eq + 1)..]);
        }
        return result;
    }

    public static TxtRecord FromAttributes(string name, uint ttl, IEnumerable<KeyValuePair<string, string>> attributes) =>
        new(name, ttl, true, attributes.Select(a => System.Text.Encoding.UTF8.GetBytes($"{a.Key}={a.Value}")).ToList());
}

public sealed record AddressRecord(string Name, uint Ttl, bool CacheFlush, IPAddress Address) : DnsResourceRecord(Name, Ttl, CacheFlush)
{
    public override DnsType Type => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsType.Aaaa : DnsType.A;
}

/// <summary>Any other type, kept as raw RDATA.</summary>
public sealed record UnknownRecord(string Name, uint Ttl, bool CacheFlush, ushort RawType, byte[] Data) : DnsResourceRecord(Name, Ttl, CacheFlush)
{
    public override DnsType Type => (DnsType)RawType;
}

/// <summary>A DNS message (RFC 1035 section 4.1) as mDNS uses it: ID 0, QR bit for responses, AA set by responders.</summary>
public sealed record DnsMessage(
    ushort Id,
    ushort Flags,
    IReadOnlyList<DnsQuestion> Questions,
    IReadOnlyList<DnsResourceRecord> Answers,
    IReadOnlyList<DnsResourceRecord> Authorities,
    IReadOnlyList<DnsResourceRecord> Additionals)
{
    public const ushort ResponseFlag = 0x8000;
    public const ushort AuthoritativeFlag = 0x0400;
    public const ushort TruncatedFlag = 0x0200;

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    public IEnumerable<DnsResourceRecord> AllRecords => Answers.Concat(Authorities).Concat(Additionals);

    public static DnsMessage Query(params DnsQuestion[] questions) => new(0, 0, questions, [], [], []);
}
