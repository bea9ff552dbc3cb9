using Appliance.Abstractions;

namespace Appliance.Host.Plugins;

public enum PluginState
{
    /// <summary>Installed and enabled, not started yet.</summary>
    Loaded,
    Starting,
    Running,
    Stopping,
    /// <summary>Stopped by the user (disabled); kept disabled across restarts.</summary>
    Disabled,
    /// <summary>Threw at start, timed out, or a background task crashed: stopped, error kept, host unaffected.</summary>
    Quarantined,
    /// <summary>Its manifest or configuration is invalid, or it needs another host API.</summary>
    Invalid,
}

/// <summary>A plugin as the API and portal show it.</summary>
public sealed record PluginStatus(
    string Id,
    string Name,
    string Version,
    string Kind,
    string Description,
    PluginState State,
    bool Enabled,
    string? Error,
    DateTimeOffset? StartedAt,
    IReadOnlyList<string> Routes,
    IReadOnlyList<HealthReport> Health,
    IReadOnlyList<FootprintLine> Network,
    string? LastUpdate = null);

public sealed record FootprintLine(string Direction, string Transport, string Port, string Zone, string? Fqdn, string Purpose, bool Required, string? ConfigKey);
