using System.Globalization;
using System.Net;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>The plugin's configuration (see plugin.json), read from the host's validated, defaulted section.</summary>
public sealed record RtspServerSettings
{
    public int Port { get; init; } = 554;
    public IPAddress? BindAddress { get; init; }
    public int UdpFirstPort { get; init; } = 51000;
    public int UdpLastPort { get; init; } = 51999;
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public bool RequireAuthentication { get; init; } = true;
    public bool AllowBasic { get; init; }
    /// <summary>The Digest realm; the manifest declares it in <c>digestRealms</c>, so it is not configurable.</summary>
    public const string Realm = "appliance";
    public int MaxConnections { get; init; } = 512;
    public int MaxSessions { get; init; } = 512;
    public int ClientQueueUnits { get; init; } = 256;

    /// <summary>A connection with a partial request for this long is closed (slowloris).</summary>
    public TimeSpan RequestHeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection with no session and no request for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A single write to a client that stays blocked this long closes its connection (a dead peer).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static Result<RtspServerSettings> From(JsonElement config)
    {
        var s = new RtspServerSettings();
        if (config.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return s;
        if (config.ValueKind != JsonValueKind.Object) return new Failure("malformed", "configuration is not an object");
        if (Int(config, "port") is { } port)
        {
            if (port is < 1 or > 65535) return new Failure("malformed", $"port {port} is not a TCP port");
            s = s with { Port = port };
        }
        if (Str(config, "bindAddress") is { Length: > 0 } bind)
        {
            if (!IPAddress.TryParse(bind, out var address)) return new Failure("malformed", $"bindAddress '{bind}' is not an IP address");
            s = s with { BindAddress = address };
        }
        if (Str(config, "udpPortRange") is { } range)
        {
            var parts = range.Split('-');
            if (parts.Length != 2 ||
                !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) ||
                first is < 1024 or > 65535 || last is < 1024 or > 65535 || last < first + 1)
                return new Failure("malformed", $"udpPortRange '{range}' is not 'first-last' with at least two ports in 1024-65535");
            s = s with { UdpFirstPort = first, UdpLastPort = last };
        }
        if (Int(config, "sessionTimeoutSeconds") is { } timeout) s = s with { SessionTimeout = TimeSpan.FromSeconds(Math.Clamp(timeout, 5, 3600)) };
        if (Str(config, "authentication") is { } auth)
        {
            if (auth is not ("digest" or "none")) return new Failure("malformed", $"authentication '{auth}' is not digest or none");
            s = s with { RequireAuthentication = auth == "digest" };
        }
        if (config.TryGetProperty("allowBasic", out var basic) && basic.ValueKind is JsonValueKind.True or JsonValueKind.False)
            s = s with { AllowBasic = basic.GetBoolean() };
        if (Int(config, "maxConnections") is { } connections) s = s with { MaxConnections = Math.Clamp(connections, 1, 10000) };
        if (Int(config, "maxSessions") is { } sessions) s = s with { MaxSessions = Math.Clamp(sessions, 1, 10000) };
        if (Int(config, "sendTimeoutSeconds") is { } send) s = s with { SendTimeout = TimeSpan.FromSeconds(Math.Clamp(send, 1, 3600)) };
        if (Int(config, "clientQueueUnits") is { } queue) s = s with { ClientQueueUnits = Math.Clamp(queue, 8, 4096) };
        return s;
    }

    private static string? Str(JsonElement config, string key) =>
        config.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static int? Int(JsonElement config, string key) =>
        config.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : null;
}
