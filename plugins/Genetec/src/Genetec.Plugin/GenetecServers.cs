using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Genetec.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec;

/// <summary>
/// Reads <c>servers</c>: one item per Security Center server with its name, host, port, login and trust. The same
/// list is the footprint (HostApi 1.1 <c>targetsKey</c> reads each item's host and port and ignores the plugin's own
/// fields), so the firewall opens exactly the servers the plugin talks to. Every bad field is named with its path
/// (<c>servers[1].username: ...</c>).
/// </summary>
internal static class GenetecServers
{
    public const int MaxServers = 16;

    public static Result<IReadOnlyList<GenetecServer>> Parse(JsonElement servers)
    {
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() > MaxServers)
            return Result<IReadOnlyList<GenetecServer>>.Fail("invalid-config", $"servers: expected an array of at most {MaxServers} servers");
        var errors = new List<string>();
        var list = new List<GenetecServer>();
        var i = 0;
        foreach (var item in servers.EnumerateArray())
        {
            var path = $"servers[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object"); continue; }
            var before = errors.Count;
            var name = Text(item, "name");
            var host = Text(item, "host");
            var port = Int(item, "port", WebSdkEndpoint.DefaultPort);
            var baseUri = Text(item, "baseUri") ?? WebSdkEndpoint.DefaultBaseUri;
            var timeout = Int(item, "timeoutSeconds", 10);
            if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl)) errors.Add($"{path}.name: 1 to 64 characters");
            else if (list.Any(s => s.Name == name)) errors.Add($"{path}.name: \"{name}\" is used by another server");
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"{path}.host: a host name or IP address");
            if (port is < 1 or > 65535) errors.Add($"{path}.port: 1 to 65535");
            if (baseUri.Length is 0 or > 64 || !baseUri.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/')) errors.Add($"{path}.baseUri: letters, digits, '-', '_' and '/' (default WebSdk)");
            if (timeout is < 1 or > 120) errors.Add($"{path}.timeoutSeconds: 1 to 120");
            var credentials = WebSdkCredentials.Create(Text(item, "username"), Text(item, "applicationId"), Text(item, "password"));
            if (!credentials.IsOk) errors.Add($"{path}.{credentials.Failure!.Message.Replace("; ", $"; {path}.")}");
            var pin = CertificatePin.Parse(Text(item, "certificateSha256"));
            if (!pin.IsOk) errors.Add($"{path}.{pin.Failure!.Message}");
            if (errors.Count == before)
                list.Add(new GenetecServer(name!, new WebSdkEndpoint(host!, port, baseUri), credentials.Value, pin.Value, TimeSpan.FromSeconds(timeout)));
        }
        return errors.Count > 0 ? Result<IReadOnlyList<GenetecServer>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement item, string name, int fallback) =>
        !item.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : -1;
}
