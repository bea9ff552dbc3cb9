using Appliance.Abstractions;
using System.Globalization;
using System.Text.Json;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>The plugin's configuration (see plugin.json), read from the host's validated, defaulted section.</summary>
public sealed record RtspPluginSettings
{
    /// <summary>The transport of a camera without an override; null: automatic (TCP first, UDP on refusal, learnt per camera).</summary>
    public RtspTransportMode? DefaultTransport { get; init; }

    /// <summary>Automatic transport: a UDP session with no RTP this long after PLAY falls back to TCP.</summary>
    public TimeSpan TransportFallback { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ReconnectInitial { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);
    public int UdpFirstPort { get; init; } = 50000;
    public int UdpLastPort { get; init; } = 50999;
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A sub stream (<c>camera/{id}/sub</c>) is let go this long after its last hub subscriber left.</summary>
    public TimeSpan SubStreamIdle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads the settings; values are nested objects for dotted keys ("reconnect": {"initialSeconds": 1}).</summary>
    public static Result<RtspPluginSettings> From(JsonElement config)
    {
        var s = new RtspPluginSettings();
        if (config.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return s;
        if (config.ValueKind != JsonValueKind.Object) return Result<RtspPluginSettings>.Fail("invalid", "configuration is not an object");
        var transport = String(config, "defaultTransport");
        if (transport is not null)
        {
            if (transport.Equals("auto", StringComparison.OrdinalIgnoreCase)) s = s with { DefaultTransport = null };
            else if (transport.Equals("tcp", StringComparison.OrdinalIgnoreCase)) s = s with { DefaultTransport = RtspTransportMode.Tcp };
            else if (transport.Equals("udp", StringComparison.OrdinalIgnoreCase)) s = s with { DefaultTransport = RtspTransportMode.Udp };
            else return Result<RtspPluginSettings>.Fail("invalid", $"defaultTransport '{transport}' is not auto, tcp or udp");
        }
        if (Seconds(config, "reconnect.initialSeconds") is { } initial) s = s with { ReconnectInitial = initial };
        if (Seconds(config, "reconnect.maxSeconds") is { } max) s = s with { ReconnectMax = max };
        if (s.ReconnectMax < s.ReconnectInitial) return Result<RtspPluginSettings>.Fail("invalid", "reconnect.maxSeconds is below reconnect.initialSeconds");
        if (Seconds(config, "mediaTimeoutSeconds") is { } media) s = s with { MediaTimeout = media };
        if (Seconds(config, "connectTimeoutSeconds") is { } connect) s = s with { ConnectTimeout = connect };
        if (Seconds(config, "requestTimeoutSeconds") is { } request) s = s with { RequestTimeout = request };
        if (Seconds(config, "healthIntervalSeconds") is { } health) s = s with { HealthInterval = health };
        if (Seconds(config, "transportFallbackSeconds") is { } fallback) s = s with { TransportFallback = fallback };
        if (Seconds(config, "subStreamIdleSeconds") is { } idle) s = s with { SubStreamIdle = idle };
        if (String(config, "udpPortRange") is { } range)
        {
            var parts = range.Split('-');
            if (parts.Length != 2 ||
                !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) ||
                first is < 1024 or > 65535 || last is < 1024 or > 65535 || last < first + 1)
                return Result<RtspPluginSettings>.Fail("invalid", $"udpPortRange '{range}' is not 'first-last' with at least two ports in 1024-65535");
            s = s with { UdpFirstPort = first, UdpLastPort = last };
        }
        return s;
    }

    private static JsonElement? Find(JsonElement config, string dottedKey)
    {
        if (config.TryGetProperty(dottedKey, out var flat)) return flat;
        var current = config;
        foreach (var segment in dottedKey.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out var next)) return null;
            current = next;
        }
        return current;
    }

    private static string? String(JsonElement config, string key) =>
        Find(config, key) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    private static TimeSpan? Seconds(JsonElement config, string key) =>
        Find(config, key) is { ValueKind: JsonValueKind.Number } e && e.TryGetDouble(out var v) && v > 0 && v < 86400
            ? TimeSpan.FromSeconds(v)
            : null;
}
