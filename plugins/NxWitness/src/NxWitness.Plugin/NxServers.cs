using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness;

/// <summary>
/// Reads the <c>servers</c> setting: the HostApi 1.1 targets list (<c>{host, port, transport}</c>) that is also the
/// plugin's outbound footprint, so it carries only those fields; the account is the plugin's <c>username</c> and
/// <c>password</c>. A server is named <c>host:port</c>; every bad field is named with its path.
/// </summary>
public static class NxServers
{
    public const int MaxServers = 16;

    public static Result<IReadOnlyList<NxServer>> Parse(JsonElement servers, string user, string password, TimeSpan timeout)
    {
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() > MaxServers)
            return Result<IReadOnlyList<NxServer>>.Fail("invalid-config", $"servers: expected an array of at most {MaxServers} servers");
        var list = new List<NxServer>();
        var errors = new List<string>();
        var i = 0;
        foreach (var item in servers.EnumerateArray())
        {
            var path = $"servers[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object {{host, port}}"); continue; }
            var before = errors.Count;
            var host = item.TryGetProperty("host", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            var port = !item.TryGetProperty("port", out var p) ? NxServer.DefaultPort : p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : -1;
            var transport = !item.TryGetProperty("transport", out var t) ? "tcp" : t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"{path}.host: a host name or IP address");
            if (port is < 1 or > 65535) errors.Add($"{path}.port: 1 to 65535");
            if (transport != "tcp") errors.Add($"{path}.transport: the Nx HTTP API is tcp");
            if (errors.Count > before) continue;
            var server = new NxServer(host!, port, user, password, timeout);
            if (list.Any(s => s.ToString() == server.ToString())) errors.Add($"{path}: {server} is listed twice");
            else list.Add(server);
        }
        return errors.Count > 0 ? Result<IReadOnlyList<NxServer>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    /// <summary>Whether a rule action's target names this server (<c>host:port</c>, or <c>host</c> alone).</summary>
    public static bool IsNamedBy(this NxServer server, string target) =>
        string.Equals(target, server.ToString(), StringComparison.OrdinalIgnoreCase) || string.Equals(target, server.Host, StringComparison.OrdinalIgnoreCase);
}
