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

    /// <summary>The footprint with the entries switched off by their whenKey too (the requirements page's "show all").</summary>
    public IReadOnlyList<ResolvedEntry> DeclaredFootprint { get; set; } = [];

    /// <summary>Fingerprint of the installed folder the running instance came from.</summary>
    public string? RunningFingerprint { get; set; }

    /// <summary>A version refused or rolled back while another ran: not retried until the folder changes (HotSwap.decide).</summary>
    public string? Rejected { get; set; }

    /// <summary>A version that failed with nothing to fall back to.</summary>
    public string? Failed { get; set; }

    /// <summary>The outcome of the last update attempt, e.g. "rolled back to 1.0.0: 2.0.0 threw at start: ...".</summary>
    public string? LastUpdate { get; set; }

    /// <summary>Copy of the folder the running version was loaded from, kept to roll back to.</summary>
    public string? PreviousFolder { get; set; }

    /// <summary>Until when a crash of the newly started version rolls back to <see cref="PreviousFolder"/>.</summary>
    public DateTimeOffset? GraceUntil { get; set; }

    /// <summary>The previous version's text, for the rollback message.</summary>
    public string? PreviousVersion { get; set; }
}

/// <summary>A loaded and started plugin version: its assembly context, instance and context.</summary>
internal sealed class ActiveInstance(ILoadedPluginAssembly assembly, IPlugin plugin, PluginContext context, string runtimeFolder)
{
    public ILoadedPluginAssembly Assembly { get; } = assembly;

    public IPlugin Plugin { get; } = plugin;

    public PluginContext Context { get; } = context;

    public string RuntimeFolder { get; } = runtimeFolder;
}
