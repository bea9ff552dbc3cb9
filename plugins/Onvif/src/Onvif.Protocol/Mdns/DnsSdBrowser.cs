using System.Net;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>A resolved DNS-SD service instance (RFC 6763 section 4-6): where it runs and its TXT attributes.</summary>
public sealed record DnsSdServiceInstance(
    string InstanceName,
    string ServiceType,
    string Target,
    ushort Port,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<IPAddress> Addresses,
    DateTimeOffset SeenAt)
{
    /// <summary>The user-visible part of the instance name (its first label).</summary>
    public string DisplayName => DnsName.FirstLabel(InstanceName);

    /// <summary>
    /// As a discovery endpoint: one URL per address (<c>rtsp://</c> for <c>_rtsp._tcp</c>, <c>http://</c> for <c>_http._tcp</c>
    /// and <c>_onvif._tcp</c>, with the TXT <c>path</c> when given), TXT attributes kept as attributes.
    /// </summary>
    public DiscoveredEndpoint ToEndpoint()
    {
        var scheme = DnsName.Normalize(ServiceType).StartsWith("_rtsp.", StringComparison.Ordinal) ? "rtsp" : "http";
        Attributes.TryGetValue("path", out var path);
        path = string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path;
        var urls = Addresses.Select(a => $"{scheme}://{(a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString())}:{Port}{path}").ToList();
        string? Attribute(params string[] keys) => keys.Select(k => Attributes.TryGetValue(k, out var v) && v.Length > 0 ? v : null).FirstOrDefault(v => v is not null);
        var attributes = Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        attributes["mdns.instance"] = InstanceName;
        attributes["mdns.target"] = Target;
        return new DiscoveredEndpoint(InstanceName, DiscoveredEndpoint.MdnsSource, urls, Addresses, [DnsName.Normalize(ServiceType)],
            DisplayName, Attribute("model", "md", "hw", "hardware"), Attribute("location", "loc"), attributes, SeenAt);
    }
}

/// <summary>
/// DNS-SD browsing over mDNS (RFC 6763 section 4, RFC 6762 section 5): PTR queries for service types, then SRV/TXT for
/// instances and A/AAAA for their hosts until each instance is resolved. A record with TTL 0 is a goodbye (section 10.1).
/// Pure state: feed it responses, ask it what to query next. Not thread-safe: owned by one loop.
/// </summary>
public sealed class DnsSdBrowser(IReadOnlyList<string> serviceTypes)
{
    public static readonly IReadOnlyList<string> CameraServiceTypes = ["_rtsp._tcp.local", "_onvif._tcp.local", "_http._tcp.local"];

    private const int MaxEntries = 1024;

    private readonly Dictionary<string, (string Name, string Type)> _instances = new();
    private readonly Dictionary<string, SrvRecord> _srv = new();
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _txt = new();
    private readonly Dictionary<string, HashSet<IPAddress>> _addresses = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new();

    public IReadOnlyList<string> ServiceTypes => serviceTypes;

    /// <summary>One PTR question per browsed service type (QM: answers go to the group, where every browser benefits).</summary>
    public DnsMessage BrowseQuery() => DnsMessage.Query(serviceTypes.Select(t => new DnsQuestion(t, DnsType.Ptr)).ToArray());

    /// <summary>SRV/TXT questions for instances not yet resolved and A/AAAA for their hosts; null when nothing is missing.</summary>
    public DnsMessage? ResolveQuery()
    {
        var questions = new List<DnsQuestion>();
        foreach (var (key, instance) in _instances)
        {
            if (!_srv.TryGetValue(key, out var srv)) questions.Add(new DnsQuestion(instance.Name, DnsType.Srv));
            if (!_txt.ContainsKey(key)) questions.Add(new DnsQuestion(instance.Name, DnsType.Txt));
            if (srv is not null && !_addresses.ContainsKey(DnsName.Normalize(srv.Target)))
            {
                questions.Add(new DnsQuestion(srv.Target, DnsType.A));
                questions.Add(new DnsQuestion(srv.Target, DnsType.Aaaa));
            }
        }
        return questions.Count == 0 ? null : DnsMessage.Query(questions.DistinctBy(q => (DnsName.Normalize(q.Name), q.Type)).Take(32).ToArray());
    }

    /// <summary>Takes in a response's records (answers and additionals alike); returns the instances it removed (goodbyes).</summary>
    public IReadOnlyList<string> Apply(DnsMessage message, DateTimeOffset now)
    {
        var removed = new List<string>();
        if (!message.IsResponse) return removed;
        foreach (var record in message.AllRecords)
        {
            switch (record)
            {
                case PtrRecord ptr when serviceTypes.Any(t => DnsName.Equal(t, ptr.Name)) && DnsName.EndsWith(ptr.DomainName, ptr.Name):
                    var key = DnsName.Normalize(ptr.DomainName);
                    if (ptr.Ttl == 0) { if (Forget(key)) removed.Add(ptr.DomainName); }
                    else if (_instances.Count < MaxEntries || _instances.ContainsKey(key))
                    {
                        _instances[key] = (ptr.DomainName, ptr.Name);
                        _seen[key] = now;
                    }
                    break;
                case SrvRecord srv:
                    Store(_srv, DnsName.Normalize(srv.Name), srv, srv.Ttl, now);
                    break;
                case TxtRecord txt:
                    Store(_txt, DnsName.Normalize(txt.Name), txt.Attributes(), txt.Ttl, now);
                    break;
                case AddressRecord address:
                    var host = DnsName.Normalize(address.Name);
                    if (address.Ttl == 0) { _addresses.GetValueOrDefault(host)?.Remove(address.Address); break; }
                    if (!_addresses.TryGetValue(host, out var set))
                    {
                        if (_addresses.Count >= MaxEntries) break;
                        _addresses[host] = set = [];
                    }
                    if (address.CacheFlush) set.RemoveWhere(a => a.AddressFamily == address.Address.AddressFamily);
                    if (set.Count < 16) set.Add(address.Address);
                    break;
            }
        }
        return removed;
    }

    /// <summary>Every instance with an SRV record and at least one address.</summary>
    public IReadOnlyList<DnsSdServiceInstance> Resolved()
    {
        var result = new List<DnsSdServiceInstance>();
        foreach (var (key, instance) in _instances)
        {
            if (!_srv.TryGetValue(key, out var srv)) continue;
            if (!_addresses.TryGetValue(DnsName.Normalize(srv.Target), out var addresses) || addresses.Count == 0) continue;
            result.Add(new DnsSdServiceInstance(instance.Name, instance.Type, srv.Target, srv.Port,
                _txt.GetValueOrDefault(key) ?? new Dictionary<string, string>(),
                addresses.OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal).ToList(),
                _seen.GetValueOrDefault(key, DateTimeOffset.MinValue)));
        }
        return result;
    }

    private void Store<T>(Dictionary<string, T> map, string key, T value, uint ttl, DateTimeOffset now)
    {
        if (ttl == 0) { map.Remove(key); return; }
        if (map.Count >= MaxEntries && !map.ContainsKey(key)) return;
        map[key] = value;
        if (_instances.ContainsKey(key)) _seen[key] = now;
    }

    private bool Forget(string key)
    {
        _srv.Remove(key);
        _txt.Remove(key);
        _seen.Remove(key);
        return _instances.Remove(key);
    }
}
