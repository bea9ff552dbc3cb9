using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Milestone.Protocol;

namespace Appliance.Plugins.Milestone;

/// <summary>One configured XProtect event server (<c>port</c>: its analytics port).</summary>
public sealed record EventServer(string Name, string Host, int AnalyticsPort, string Generic, int GenericPort, TimeSpan Timeout)
{
    public GenericEventSource? GenericSource => Generic switch
    {
        "tcp-compatible" or "udp" => GenericEventSource.Compatible,
        "tcp-international" => GenericEventSource.International,
        _ => null,
    };
}

/// <summary>Reads the <c>servers</c> setting; every bad field is named with its path.</summary>
public static class EventServers
{
    public static Result<IReadOnlyList<EventServer>> Parse(JsonElement servers)
    {
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() > 16)
            return Result<IReadOnlyList<EventServer>>.Fail("invalid-config", "servers: expected an array of at most 16 servers");
        var list = new List<EventServer>();
        var errors = new List<string>();
        var i = 0;
        foreach (var item in servers.EnumerateArray())
        {
            var path = $"servers[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object"); continue; }
            var name = Text(item, "name");
            var host = Text(item, "host");
            var analyticsPort = Int(item, "port", 9090);
            var generic = Text(item, "generic") ?? "none";
            var genericPort = Int(item, "genericPort", generic == "tcp-international" ? 1235 : 1234);
            var timeout = Int(item, "timeoutSeconds", 5);
            if (string.IsNullOrWhiteSpace(name) || name.Length > 64) errors.Add($"{path}.name: 1 to 64 characters");
            else if (list.Any(s => s.Name == name)) errors.Add($"{path}.name: \"{name}\" is used by another server");
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"{path}.host: a host name or IP address");
            if (analyticsPort is < 1 or > 65535) errors.Add($"{path}.port: 1 to 65535");
            if (genericPort is < 1 or > 65535) errors.Add($"{path}.genericPort: 1 to 65535");
            if (generic is not ("none" or "tcp-compatible" or "tcp-international" or "udp")) errors.Add($"{path}.generic: none, tcp-compatible, tcp-international or udp");
            if (timeout is < 1 or > 120) errors.Add($"{path}.timeoutSeconds: 1 to 120");
            if (errors.Count == 0) list.Add(new EventServer(name!, host!, analyticsPort, generic, genericPort, TimeSpan.FromSeconds(timeout)));
        }
        return errors.Count > 0 ? Result<IReadOnlyList<EventServer>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement item, string name, int fallback) =>
        !item.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : -1;
}
