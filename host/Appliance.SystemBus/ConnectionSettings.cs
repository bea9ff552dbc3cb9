using System.Net;
using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// A NetworkManager connection profile as D-Bus carries it (<c>a{sa{sv}}</c>: setting name -> key -> value), read
/// whole so an update writes back every setting it does not change. The IPv4 part is read and replaced by type.
/// </summary>
public sealed class ConnectionSettings
{
    private readonly Dictionary<string, Dictionary<string, VariantValue>> _settings;

    private ConnectionSettings(Dictionary<string, Dictionary<string, VariantValue>> settings) => _settings = settings;

    public const string Signature = "a{sa{sv}}";

    /// <summary>The profile's name (<c>connection.id</c>), if it has one of the right type.</summary>
    public string? Id => Section("connection") is { } c && c.TryGetValue("id", out var id) && id.Type == VariantValueType.String ? id.GetString() : null;

    internal static ConnectionSettings Read(ref Reader reader)
    {
        var settings = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        var end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            var name = reader.ReadString();
            settings[name] = reader.ReadDictionaryOfStringToVariantValue();
        }
        return new ConnectionSettings(settings);
    }

    internal void Write(ref MessageWriter writer)
    {
        var outer = writer.WriteDictionaryStart();
        foreach (var (name, values) in _settings)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(name);
            var inner = writer.WriteDictionaryStart();
            foreach (var (key, value) in values)
            {
                writer.WriteDictionaryEntryStart();
                writer.WriteString(key);
                writer.WriteVariant(value);
            }
            writer.WriteDictionaryEnd(inner);
        }
        writer.WriteDictionaryEnd(outer);
    }

    private Dictionary<string, VariantValue>? Section(string name) => _settings.GetValueOrDefault(name);

    /// <summary>The IPv4 method as written (<c>auto</c>, <c>manual</c>, <c>disabled</c>, <c>link-local</c>...; absent: <c>auto</c>).</summary>
    public Result<string> Ipv4Method()
    {
        var ipv4 = Section("ipv4");
        if (ipv4 is null || !ipv4.TryGetValue("method", out var method)) return "auto";
        return method.Type == VariantValueType.String ? method.GetString() : Wrong<string>("method", "a string", method);
    }

    /// <summary>
    /// The IPv4 settings when the method is <c>auto</c> or <c>manual</c>; null for other methods. With <c>auto</c> the
    /// addresses and gateway come from the lease: static extras a profile may hold are not part of this model (they
    /// are not read, and <see cref="WithIpv4"/> clears them).
    /// </summary>
    public Result<AddressSettings?> Ipv4()
    {
        var method = Ipv4Method();
        if (!method.IsOk) return Result<AddressSettings?>.Fail(method.Failure!);
        if (method.Value is not ("auto" or "manual")) return Result<AddressSettings?>.Ok(null);
        var ipv4 = Section("ipv4") ?? new Dictionary<string, VariantValue>();
        var addresses = new List<Ipv4Prefix>();
        var dhcp = method.Value == "auto";
        if (!dhcp && ipv4.TryGetValue("address-data", out var data))
        {
            if (data.Type != VariantValueType.Array || data.Count > 0 && data.ItemType != VariantValueType.Dictionary)
                return Wrong<AddressSettings?>("address-data", "an array of dictionaries (aa{sv})", data);
            for (var i = 0; i < data.Count; i++)
            {
                var entry = Entry(data.GetItem(i));
                if (!entry.IsOk) return Result<AddressSettings?>.Fail(entry.Failure!);
                addresses.Add(entry.Value);
            }
        }
        IPAddress? gateway = null;
        if (!dhcp && ipv4.TryGetValue("gateway", out var gw))
        {
            if (gw.Type != VariantValueType.String) return Wrong<AddressSettings?>("gateway", "a string", gw);
            if (gw.GetString().Length > 0)
            {
                if (!IPAddress.TryParse(gw.GetString(), out gateway)) return Malformed<AddressSettings?>($"gateway '{gw.GetString()}' is not an address");
            }
        }
        var dns = new List<IPAddress>();
        if (ipv4.TryGetValue("dns", out var servers))
        {
            if (servers.Type != VariantValueType.Array || servers.Count > 0 && servers.ItemType != VariantValueType.UInt32)
                return Wrong<AddressSettings?>("dns", "an array of uint32 (au)", servers);
            for (var i = 0; i < servers.Count; i++) dns.Add(new IPAddress(servers.GetItem(i).GetUInt32()));
        }
        return Result<AddressSettings?>.Ok(new AddressSettings(dhcp, addresses, gateway, dns));
    }

    /// <summary>A copy with the IPv4 method, addresses, gateway and DNS replaced; every other key and setting kept.</summary>
    public ConnectionSettings WithIpv4(AddressSettings settings)
    {
        var copy = _settings.ToDictionary(kv => kv.Key, kv => new Dictionary<string, VariantValue>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        var ipv4 = copy.TryGetValue("ipv4", out var existing) ? existing : copy["ipv4"] = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
        foreach (var key in new[] { "method", "addresses", "address-data", "gateway", "dns" }) ipv4.Remove(key);
        ipv4["method"] = VariantValue.String(settings.Dhcp ? "auto" : "manual");
        var data = new Tmds.DBus.Protocol.Array<Dict<string, VariantValue>>();
        if (!settings.Dhcp)
        {
            foreach (var address in settings.Addresses)
            {
                var entry = new Dict<string, VariantValue>();
                entry.Add("address", VariantValue.String(address.Address.ToString()));
                entry.Add("prefix", VariantValue.UInt32((uint)address.PrefixLength));
                data.Add(entry);
            }
            if (settings.Gateway is { } gateway) ipv4["gateway"] = VariantValue.String(gateway.ToString());
        }
        ipv4["address-data"] = data.AsVariantValue();
        // NetworkManager keeps IPv4 DNS servers as uint32 in network byte order (the first octet in the low byte).
        ipv4["dns"] = VariantValue.Array(settings.Dns.Select(d => BitConverter.ToUInt32(d.GetAddressBytes())).ToArray());
        return new ConnectionSettings(copy);
    }

    private static Result<Ipv4Prefix> Entry(VariantValue item)
    {
        string? address = null;
        uint? prefix = null;
        for (var i = 0; i < item.Count; i++)
        {
            var (key, value) = item.GetDictionaryEntry(i);
            if (key.Type != VariantValueType.String) return Malformed<Ipv4Prefix>("address-data: a key is not a string");
            switch (key.GetString())
            {
                case "address" when value.Type == VariantValueType.String: address = value.GetString(); break;
                case "prefix" when value.Type == VariantValueType.UInt32: prefix = value.GetUInt32(); break;
                case "address" or "prefix": return Wrong<Ipv4Prefix>("address-data." + key.GetString(), key.GetString() == "address" ? "a string" : "a uint32", value);
            }
        }
        if (address is null || prefix is null) return Malformed<Ipv4Prefix>("address-data: an entry lacks address or prefix");
        var parsed = Ipv4Prefix.Parse($"{address}/{prefix}");
        return parsed.IsOk ? parsed : Malformed<Ipv4Prefix>("address-data: " + parsed.Failure!.Message);
    }

    private static Result<T> Wrong<T>(string key, string expected, VariantValue value) =>
        Malformed<T>($"ipv4.{key} is {PropertyBag.Describe(value)}, expected {expected}");

    private static Result<T> Malformed<T>(string message) =>
        Result<T>.Fail(BusFailures.Malformed, "NetworkManager connection settings: " + message);
}
