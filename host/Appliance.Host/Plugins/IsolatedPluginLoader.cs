using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Host.Configuration;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Supervision;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Plugins;

/// <summary>
/// Loads a plugin whose manifest (or the configuration's override) asks for <c>"isolation": "process"</c>: instead
/// of an assembly context in the host, an <see cref="IsolatedPlugin"/> that runs the plugin in a supervised child
/// process. The manager treats both alike (start, stop, quarantine, routes, health).
/// </summary>
public sealed class IsolatedPluginLoader
{
    private readonly IsolationSettings _settings;
    private readonly IPluginProcessLauncher _launcher;
    private readonly SupervisorOptions _options;
    private readonly RingDirectory _rings;

    public IsolatedPluginLoader(IOptions<ApplianceOptions> options, IPluginProcessLauncher launcher)
    {
        _settings = options.Value.Plugins.Isolation;
        if (_settings.PingTimeoutSeconds is not (>= 1 and <= 120))
            throw new InvalidOperationException($"appliance.plugins.isolation.pingTimeoutSeconds {_settings.PingTimeoutSeconds} is not 1-120");
        _launcher = launcher;
        var defaults = new SupervisorOptions();
        _options = defaults with
        {
            RunAsUser = _settings.RunAsUser,
            PluginHostPath = _settings.PluginHostPath ?? defaults.PluginHostPath,
            StopTimeout = TimeSpan.FromSeconds(options.Value.Plugins.StopTimeoutSeconds),
            PingTimeout = TimeSpan.FromSeconds(_settings.PingTimeoutSeconds),
            // The child's runtime start, handshake and the plugin's own start are all inside the plugin's start.
            HandshakeTimeout = TimeSpan.FromSeconds(options.Value.Plugins.StartTimeoutSeconds),
        };
        _rings = _settings.RuntimeDirectory is { } dir ? new RingDirectory(dir) : RingDirectory.Default();
    }

    /// <summary>True when the plugin runs in its own process (configuration override first, then the manifest).</summary>
    public bool IsIsolated(PluginManifest manifest) =>
        _settings.Plugins.TryGetValue(manifest.Id, out var o) && o.Mode is { } mode
            ? mode == "process"
            : manifest.Isolation.IsProcess;

    /// <summary>Null when the configuration's override is valid, else why not.</summary>
    public string? CheckOverride(string pluginId) =>
        _settings.Plugins.TryGetValue(pluginId, out var o) && o.Mode is { } mode && mode is not ("process" or "in-process")
            ? $"plugins.isolation.plugins.{pluginId}.mode: \"{mode}\" is not an isolation mode (in-process, process)"
            : null;

    public ILoadedPluginAssembly Load(PluginManifest manifest, string runtimeFolder)
    {
        var (memoryMiB, cpuPercent, openFiles) = ManifestFacade.Limits(manifest);
        var limits = new ProcessLimits(memoryMiB, cpuPercent, openFiles);
        if (_settings.Plugins.TryGetValue(manifest.Id, out var o))
            limits = limits.Over(new ProcessLimits(o.MemoryMiB, o.CpuPercent, o.OpenFiles));
        var spec = new IsolatedPluginSpec(manifest.Id, ManifestAdapter.Version(manifest), runtimeFolder, manifest.EntryAssembly, limits);
        if (!File.Exists(Path.Combine(runtimeFolder, manifest.EntryAssembly)))
            throw new PluginLoadException($"entry assembly {manifest.EntryAssembly} not found in {runtimeFolder}");
        return new IsolatedAssembly(new IsolatedPlugin(spec, _launcher, _options, _rings));
    }

    /// <summary>Nothing is loaded into the host: the weak reference is dead from the start.</summary>
    private sealed class IsolatedAssembly(IPlugin plugin) : ILoadedPluginAssembly
    {
        public WeakReference ContextReference { get; } = new(null);

        public IPlugin CreateInstance() => plugin;

        public void Dispose()
        {
        }
    }
}
