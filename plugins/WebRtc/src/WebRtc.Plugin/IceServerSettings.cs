using System.Globalization;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Turn;

namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>
/// The <c>iceServers</c> setting: an array of <c>{ "type": "stun"|"turn"|"turns", "host", "port", "transport":
/// "udp"|"tcp", "username", "credential", "certificateSha256" }</c>. Host, port and transport are also the plugin's
/// outbound footprint (targetsKey), so a missing port is the declared 3478 and a missing transport is udp; "turns"
/// (TLS) must say tcp. Every problem is named with its index.
/// </summary>
internal static class IceServerSettings
{
    public const int DefaultPort = 3478;
    private const int MaxServers = 8;

    public static Result<IReadOnlyList<IceServer>> Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array) return Result<IReadOnlyList<IceServer>>.Fail("malformed", "iceServers: expected an array");
        if (value.GetArrayLength() > MaxServers) return Result<IReadOnlyList<IceServer>>.Fail("too-large", $"iceServers: {value.GetArrayLength()} servers, at most {MaxServers}");
        var servers = new List<IceServer>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var parsed = ParseOne(item, $"iceServers[{index++}]");
            if (!parsed.TryGetValue(out var server, out var failure)) return failure;
            servers.Add(server);
        }
        return servers;
    }

    private static Result<IceServer> ParseOne(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object) return Fail(path, "expected an object {type, host, port, transport, username, credential}");
        var type = Text(item, "type");
        var host = Text(item, "host");
        var transportText = Text(item, "transport") ?? "udp";
        if (type is not ("stun" or "turn" or "turns")) return Fail(path + ".type", "expected \"stun\", \"turn\" or \"turns\"");
        if (string.IsNullOrWhiteSpace(host) || host.Length > 253 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
            return Fail(path + ".host", "expected a host name or IP address");
        var port = DefaultPort;
        if (item.TryGetProperty("port", out var p) && (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out port) || port is < 1 or > 65535))
            return Fail(path + ".port", $"{p.GetRawText()} is not a port (1-65535)");
        if (transportText is not ("udp" or "tcp")) return Fail(path + ".transport", "expected \"udp\" or \"tcp\"");
        var transport = type == "turns" ? TurnTransport.Tls : transportText == "tcp" ? TurnTransport.Tcp : TurnTransport.Udp;
        if (type == "turns" && transportText != "tcp") return Fail(path + ".transport", "TURN over TLS runs on TCP: say \"transport\": \"tcp\" (usually with port 443)");
        if (type == "stun" && transport != TurnTransport.Udp) return Fail(path + ".transport", "the appliance asks STUN servers over UDP only");
        var username = Text(item, "username");
        var credential = Text(item, "credential");
        if (type != "stun" && (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(credential)))
            return Fail(path, "a TURN server needs a username and a credential");
        if (username?.Length > 256 || credential?.Length > 256) return Fail(path, "username and credential are at most 256 characters");
        var pin = Text(item, "certificateSha256")?.Replace(":", "", StringComparison.Ordinal);
        if (pin is not null && (pin.Length != 64 || !pin.All(Uri.IsHexDigit))) return Fail(path + ".certificateSha256", "expected 64 hex digits (the SHA-256 of the server's certificate)");
        return new IceServer(type == "stun" ? IceServerKind.Stun : IceServerKind.Turn, host, port, transport, username, credential, pin);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Failure Fail(string path, string message) => new("malformed", string.Create(CultureInfo.InvariantCulture, $"{path}: {message}"));
}
