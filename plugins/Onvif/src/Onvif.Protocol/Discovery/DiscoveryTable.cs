using System.Net;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>
/// Everything the discovery sources currently know. Each source's entry is keyed by (source, key) and the latest
/// report wins (a new ProbeMatch for an endpoint reference replaces the old one). <see cref="Devices"/> merges entries
/// that share an IP address into one device whose sources are combined. Not thread-safe: owned by one loop.
/// Bounded against hostile neighbours: at most <paramref name="maxEntries"/> entries and <paramref name="maxPerSender"/>
/// per sending address; a new entry beyond either limit is refused (and counted), known entries are still refreshed.
/// </summary>
public sealed class DiscoveryTable(int maxEntries = 256, int maxPerSender = 16)
{
    private readonly Dictionary<(string Source, string Key), DiscoveredEndpoint> _entries = new();

    public int Count => _entries.Count;

    /// <summary>New entries refused because the table or the sender's share of it was full.</summary>
    public long Refused { get; private set; }

    /// <summary>Removals (Bye) ignored because they did not come from the device's address.</summary>
    public long SpoofedRemovals { get; private set; }

    /// <summary>Why the last entry was refused, or null.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Records an endpoint; true if it is new or its content changed (false also when it was refused).</summary>
    public bool Upsert(DiscoveredEndpoint endpoint)
    {
        var key = (endpoint.Source, endpoint.Key);
        var known = _entries.TryGetValue(key, out var old);
        if (!known)
        {
            var sender = Normal(endpoint.Sender);
            string? refusal = null;
            if (_entries.Count >= maxEntries) refusal = $"table full ({maxEntries} entries)";
            else if (sender is not null && _entries.Values.Count(e => Equals(Normal(e.Sender), sender)) >= maxPerSender)
                refusal = $"{sender} already has {maxPerSender} entries";
            if (refusal is not null)
            {
                Refused++;
                LastRefusal = refusal;
                return false;
            }
        }
        var changed = !known || !old!.SameContentAs(endpoint);
        _entries[key] = endpoint;
        return changed;
    }

    /// <summary>Removes an entry (a Bye or a goodbye record). With <paramref name="from"/> given, only when it is the
    /// address that announced the entry or one of the entry's own addresses; otherwise the removal is ignored and counted.</summary>
    public bool Remove(string source, string key, IPAddress? from = null)
    {
        if (!_entries.TryGetValue((source, key), out var entry)) return false;
        var sender = Normal(from);
        if (sender is not null && !Equals(Normal(entry.Sender), sender) && !entry.IpAddresses.Any(ip => Equals(Normal(ip), sender)))
        {
            SpoofedRemovals++;
            return false;
        }
        return _entries.Remove((source, key));
    }

    private static IPAddress? Normal(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    /// <summary>Drops entries not seen since <paramref name="cutoff"/>; returns how many.</summary>
    public int RemoveOlderThan(DateTimeOffset cutoff)
    {
        var stale = _entries.Where(e => e.Value.SeenAt < cutoff).Select(e => e.Key).ToList();
        foreach (var key in stale) _entries.Remove(key);
        return stale.Count;
    }

    /// <summary>
    /// Merged devices: entries connected by a shared IP address form one device. Its key is the WS-Discovery endpoint
    /// reference when there is one (else the first key), its source the sorted set of sources joined with <c>+</c>.
    /// </summary>
    public IReadOnlyList<DiscoveredEndpoint> Devices()
    {
        var entries = _entries.Values.OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        var parent = Enumerable.Range(0, entries.Count).ToArray();
        int Find(int i) { while (parent[i] != i) i = parent[i] = parent[parent[i]]; return i; }
        var byIp = new Dictionary<IPAddress, int>();
        for (var i = 0; i < entries.Count; i++)
            foreach (var ip in entries[i].IpAddresses)
            {
                if (byIp.TryGetValue(ip, out var j)) parent[Find(i)] = Find(j);
                else byIp[ip] = i;
            }
        return entries.Select((e, i) => (Entry: e, Root: Find(i)))
            .GroupBy(x => x.Root)
            .Select(g => Merge(g.Select(x => x.Entry).ToList()))
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
    }

    private static DiscoveredEndpoint Merge(IReadOnlyList<DiscoveredEndpoint> group)
    {
        if (group.Count == 1) return group[0];
        var primary = group.FirstOrDefault(e => e.Source == DiscoveredEndpoint.WsDiscoverySource) ?? group[0];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in group.Where(e => e != primary))
            foreach (var (k, v) in entry.Attributes) attributes[k] = v;
        foreach (var (k, v) in primary.Attributes) attributes[k] = v;
        var others = group.Where(e => e != primary).ToList();
        return new DiscoveredEndpoint(
            primary.Key,
            string.Join('+', group.Select(e => e.Source).Distinct().Order(StringComparer.Ordinal)),
            group.SelectMany(e => e.Addresses).Distinct().ToList(),
            group.SelectMany(e => e.IpAddresses).Distinct().ToList(),
            group.SelectMany(e => e.Types).Distinct().ToList(),
            primary.Name ?? others.Select(e => e.Name).FirstOrDefault(n => n is not null),
            primary.Hardware ?? others.Select(e => e.Hardware).FirstOrDefault(n => n is not null),
            primary.Location ?? others.Select(e => e.Location).FirstOrDefault(n => n is not null),
            attributes,
            group.Max(e => e.SeenAt));
    }
}
