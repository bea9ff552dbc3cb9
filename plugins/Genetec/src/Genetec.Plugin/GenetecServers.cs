using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Genetec.Protocol;

namespace Appliance.Plugins.Genetec;

/// <summary>
/// Reads <c>servers</c> (the footprint: HostApi 1.1 targets carry only host, port and transport) and <c>accounts</c>
/// (name, credentials, trust per server). Every account must name a listed server, every server must have one
/// account, so the firewall opens exactly the servers actions can reach. Every bad field is named with its path.
/// </summary>
public static class GenetecServers
{
    public const int MaxServers = 16;

    public static Result<IReadOnlyList<GenetecServer>> Parse(JsonElement servers, JsonElement accounts)
    {
        var errors = new List<string>();
        var targets = Targets(servers, errors);
        if (accounts.ValueKind != JsonValueKind.Array || accounts.GetArrayLength() > MaxServers)
            return Result<IReadOnlyList<GenetecServer>>.Fail("invalid-config", $"accounts: expected an array of at most {MaxServers} accounts");
        var list = new List<GenetecServer>();
        var i = 0;
        foreach (var item in accounts.EnumerateArray())
        {
            var path = $"accounts[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object"); continue; }
            var before = errors.Count;
            var name = Text(item, "name");
            var host = Text(item, "host");
            var port = Int(item, "port", WebSdkEndpoint.DefaultPort);
            var baseUri = Text(item, "baseUri") ?? WebSdkEndpoint.DefaultBaseUri;
            var timeout = Int(item, "timeoutSeconds", 10);
            if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl)) errors.Add($"{path}.name: 1 to 64 characters");
            else if (list.Any(s => s.Name == name)) errors.Add($"{path}.name: \"{name}\" is used by another account");
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"{path}.host: a host name or IP address");
            else if (!targets.Contains((host.ToLowerInvariant(), port))) errors.Add($"{path}: {host}:{port} is not in servers (the firewall opens only the servers listed there)");
            if (port is < 1 or > 65535) errors.Add($"{path}.port: 1 to 65535");
            if (baseUri.Length is 0 or > 64 || !baseUri.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/')) errors.Add($"{path}.baseUri: letters, digits, '-', '_' and '/' (default WebSdk)");
            if (timeout is < 1 or > 120) errors.Add($"{path}.timeoutSeconds: 1 to 120");
            var credentials = WebSdkCredentials.Create(Text(item, "username"), Text(item, "applicationId"), Text(item, "password"));
            if (!credentials.IsOk) errors.Add($"{path}.{credentials.Failure!.Message.Replace("; ", $"; {path}.")}");
            var trust = CertificatePin.Parse(Text(item, "certificateSha256"));
            if (!trust.IsOk) errors.Add($"{path}.{trust.Failure!.Message}");
            if (errors.Count == before)
                list.Add(new GenetecServer(name!, new WebSdkEndpoint(host!, port, baseUri), credentials.Value, trust.Value, TimeSpan.FromSeconds(timeout)));
        }
        foreach (var (host, port) in targets)
            if (!list.Any(s => s.Endpoint.Host.Equals(host, StringComparison.OrdinalIgnoreCase) && s.Endpoint.Port == port))
                errors.Add($"servers: {host}:{port} has no account");
        return errors.Count > 0 ? Result<IReadOnlyList<GenetecServer>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    private static HashSet<(string Host, int Port)> Targets(JsonElement servers, List<string> errors)
    {
        var targets = new HashSet<(string, int)>();
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() > MaxServers)
        {
            errors.Add($"servers: expected an array of at most {MaxServers} {{host, port}} objects");
            return targets;
        }
        var i = 0;
        foreach (var item in servers.EnumerateArray())
        {
            var path = $"servers[{i++}]";
            var host = item.ValueKind == JsonValueKind.Object ? Text(item, "host") : null;
            if (string.IsNullOrWhiteSpace(host)) { errors.Add($"{path}.host: a host name or IP address"); continue; }
            targets.Add((host.ToLowerInvariant(), Int(item, "port", WebSdkEndpoint.DefaultPort)));
        }
        return targets;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement item, string name, int fallback) =>
        !item.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : -1;
}
