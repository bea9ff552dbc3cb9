namespace Appliance.Abstractions;

/// <summary>
/// A plugin's entry point. The host creates one instance per load, awaits <see cref="StartAsync"/>
/// within the start timeout and <see cref="StopAsync"/> within the stop timeout. After stop the plugin
/// must hold no reference into the host (timers disposed, subscriptions disposed), or its load
/// context can never be unloaded.
/// </summary>
public interface IPlugin
{
    Task StartAsync(IPluginContext context, CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>The host API version this contract describes. Manifests name the version they need.</summary>
public static class HostApi
{
    public const int Major = 1;
    public const int Minor = 1;
}
