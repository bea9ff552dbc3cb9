using Appliance.Host.Plugins;

namespace Appliance.Host.SystemServices.Liveness;

/// <summary>The plugin manager's operation queue moves: a no-op goes through it like any install or swap.</summary>
public sealed class PluginManagerLivenessCheck(PluginManager manager) : ILivenessCheck
{
    public string Name => "plugin manager";

    public Task ProveProgressAsync(CancellationToken ct) => manager.PingAsync(ct);
}
