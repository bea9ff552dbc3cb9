using System.Text.Json;
using Appliance.Abstractions.Media;
using Appliance.Host.Cameras;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Plugins.Services;

namespace Appliance.Host.Plugins;

/// <summary>Builds the <see cref="PluginContext"/> a starting plugin gets: the host services it may reach, and nothing else.</summary>
internal sealed class PluginContextFactory(
    PluginFolders folders,
    OutboxEventBus bus,
    HealthRegistry health,
    IStreamHub streams,
    CameraStore cameras,
    PluginHostServices services,
    ILoggerFactory loggers,
    TimeProvider time)
{
    public PluginContext Create(PluginSlot slot, JsonElement config, Action<string, Exception> onBackgroundCrash, Action<string, string>? onUnhealthy = null) => new(
        slot.Id, config.Clone(), loggers.CreateLogger("plugin." + slot.Id), folders.DataFolder(slot.Id), bus, health, streams, cameras,
        ManifestAdapter.InboundPorts(slot.Footprint), slot.Manifest!.Surface.Routes.ToList(), services, slot.Manifest.Surface.DigestRealms.ToList(), time,
        onBackgroundCrash, onUnhealthy);
}
