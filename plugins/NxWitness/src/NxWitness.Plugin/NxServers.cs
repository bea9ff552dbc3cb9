using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness;

/// <summary>
/// One configured Nx server: its <c>name</c> (what a rule action's <c>target</c> and the register-cameras route give)
/// and its HTTP API with the account the appliance signs in with there.
/// </summary>
public sealed record ConfiguredServer(string Name, NxServer Api)
{
    public override string ToString() => $"{Name} ({Api})";
}

/// <summary>
/// Reads the <c>servers</c> setting: <c>[{name, host, port, transport, username, password, timeoutSeconds}]</c>. The
/// list is also the plugin's outbound footprint (HostApi 1.1 <c>targetsKey</c>), which takes <c>host</c>,
/// <c>port</c> and <c>transport</c> of each item and leaves the rest to the plugin. Every bad field is named with
/// its path (<c>servers[1].username: ...</c>).
/// </summary>
public static class NxServers
{
    public const int MaxServers = 16;
    public const int MaxName = 64;
    public const int MaxCredential = 256;
    public const string DefaultUser = "admin";
    public const int DefaultTimeoutSeconds = 5;

    public static Result<IReadOnlyList<ConfiguredServer>> Parse(JsonElement servers)
    {
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() > MaxServers)
            return Result<IReadOnlyList<ConfiguredServer>>.Fail("invalid-config", $"servers: expected an array of at most {MaxServers} servers");
        var list = new List<ConfiguredServer>();
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in servers.EnumerateArray())
        {
            var path = $"servers[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object {{name, host, port, username, password}}"); continue; }
            var before = errors.Count;
            var name = Text(item, "name", null);
            var host = Text(item, "host", null);
            var port = Int(item, "port", NxServer.DefaultPort);
            var transport = Text(item, "transport", "tcp");
            var user = Text(item, "username", DefaultUser);
            var password = Text(item, "password", "");
            var timeout = Int(item, "timeoutSeconds", DefaultTimeoutSeconds);
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxName) errors.Add($"{path}.name: 1 to {MaxName} characters");
            else if (!names.Add(name)) errors.Add($"{path}.name: \"{name}\" is used by another server");
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"{path}.host: a host name or IP address");
            if (port is < 1 or > 65535) errors.Add($"{path}.port: 1 to 65535");
            if (transport != "tcp") errors.Add($"{path}.transport: the Nx HTTP API is tcp");
            if (string.IsNullOrEmpty(user) || user.Length > MaxCredential || user.Any(char.IsControl))
                errors.Add($"{path}.username: 1 to {MaxCredential} characters, no control characters");
            if (password is null || password.Length > MaxCredential) errors.Add($"{path}.password: a string of at most {MaxCredential} characters");
            if (timeout is < 1 or > 120) errors.Add($"{path}.timeoutSeconds: 1 to 120");
            if (errors.Count > before) continue;
            list.Add(new ConfiguredServer(name!, new NxServer(host!, port, user!, password!, TimeSpan.FromSeconds(timeout))));
        }
        return errors.Count > 0 ? Result<IReadOnlyList<ConfiguredServer>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    /// <summary>An absent field is <paramref name="fallback"/>; a field that is not a string is null (an error).</summary>
    private static string? Text(JsonElement item, string name, string? fallback) =>
        !item.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement item, string name, int fallback) =>
        !item.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : -1;
}
