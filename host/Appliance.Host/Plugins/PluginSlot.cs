using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Core.Network;

namespace Appliance.Host.Plugins;

/// <summary>One plugin id as the manager tracks it: its installed folder, manifest, state, and the running instance.</summary>
internal sealed class PluginSlot(string id)
{
    public string Id { get; } = id;

    public PluginManifest? Manifest { get; set; }

    public string? Fingerprint { get; set; }

    public PluginState State { get; set; } = PluginState.Loaded;

    public string? Error { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public ActiveInstance? Active { get; set; }

    public IReadOnlyList<ResolvedEntry> Footprint { get; set; } = [];
}

/// <summary>A loaded and started plugin version: its assembly context, instance and context.</summary>
internal sealed class ActiveInstance(ILoadedPluginAssembly assembly, IPlugin plugin, PluginContext context, string runtimeFolder)
{
    public ILoadedPluginAssembly Assembly { get; } = assembly;

    public IPlugin Plugin { get; } = plugin;

    public PluginContext Context { get; } = context;

    public string RuntimeFolder { get; } = runtimeFolder;
}
