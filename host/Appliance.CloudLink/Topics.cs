namespace Appliance.CloudLink;

/// <summary>
/// The topic layout of one appliance under a prefix (default <c>appliance</c>); docs/cloud-link.md describes each.
/// <list type="bullet">
/// <item><c>{prefix}/{device}/state</c>: retained birth (<c>online</c>) and last will (<c>offline</c>).</item>
/// <item><c>{prefix}/{device}/telemetry</c>: health, plugins, streams at the configured interval.</item>
/// <item><c>{prefix}/{device}/events</c>: every appliance event, in order, at least once, with its event id.</item>
/// <item><c>{prefix}/{device}/commands</c>: commands to this appliance (the fleet publishes).</item>
/// <item><c>{prefix}/{device}/responses</c>: command results when a command names no MQTT 5 response topic.</item>
/// </list>
/// </summary>
public sealed record Topics(string Prefix, string DeviceId)
{
    public string State => $"{Prefix}/{DeviceId}/state";

    public string Telemetry => $"{Prefix}/{DeviceId}/telemetry";

    public string Events => $"{Prefix}/{DeviceId}/events";

    public string Commands => $"{Prefix}/{DeviceId}/commands";

    public string Responses => $"{Prefix}/{DeviceId}/responses";

    /// <summary>A device id or prefix usable as topic levels: no wildcards, separators, controls or empties.</summary>
    public static bool IsTopicLevel(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 128 && value.All(c => c is not ('+' or '#' or '/' or '\0') && !char.IsControl(c) && !char.IsWhiteSpace(c));
}
