using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Plugins;

/// <summary>
/// Discovers, loads, starts, stops, swaps and unloads plugins. Every operation is serialised; a plugin
/// that fails is quarantined and nothing else is touched. Installed folders are in <see cref="PluginFolders"/>;
/// the user's decisions (enabled, removed, config) in <see cref="PluginStateStore"/>.
/// </summary>
public sealed partial class PluginManager : IAsyncDisposable
{
    private readonly SemaphoreSlim _ops = new(1, 1);
    private readonly Dictionary<string, PluginSlot> _slots = new(StringComparer.Ordinal);
    private readonly List<WeakReference> _retired = [];
    private readonly List<Task> _pending = [];
    private readonly ApplianceOptions _options;
    private readonly PluginFolders _folders;
    private readonly PluginStateStore _store;
    private readonly IPluginAssemblyLoader _loader;
    private readonly OutboxEventBus _bus;
    private readonly HealthRegistry _health;
    private readonly IStreamHub _streams;
    private readonly CameraStore _cameras;
    private readonly PluginRouteTable _routes;
    private readonly HostFootprint _hostFootprint;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<PluginManager> _log;
    private readonly TimeProvider _time;

    public PluginManager(
        IOptions<ApplianceOptions> options,
        PluginFolders folders,
        PluginStateStore store,
        IPluginAssemblyLoader loader,
        OutboxEventBus bus,
        HealthRegistry health,
        IStreamHub streams,
        CameraStore cameras,
        PluginRouteTable routes,
        HostFootprint hostFootprint,
        ILoggerFactory loggers,
        TimeProvider time)
    {
        _options = options.Value;
        _folders = folders;
        _store = store;
        _loader = loader;
        _bus = bus;
        _health = health;
        _streams = streams;
        _cameras = cameras;
        _routes = routes;
        _hostFootprint = hostFootprint;
        _loggers = loggers;
        _log = loggers.CreateLogger<PluginManager>();
        _time = time;
    }

    private TimeSpan StartTimeout => TimeSpan.FromSeconds(_options.Plugins.StartTimeoutSeconds);

    private TimeSpan StopTimeout => TimeSpan.FromSeconds(_options.Plugins.StopTimeoutSeconds);

    public IReadOnlyList<PluginStatus> List()
    {
        lock (_slots) return _slots.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(Describe).ToList();
    }

    public PluginStatus? Get(string id)
    {
        lock (_slots) return _slots.TryGetValue(id, out var slot) ? Describe(slot) : null;
    }

    /// <summary>The footprint of the host and of every plugin that is running or about to run.</summary>
    public IReadOnlyList<ResolvedEntry> Footprint()
    {
        lock (_slots)
        {
            return _hostFootprint.Entries()
                .Concat(_slots.Values.Where(s => s.State is PluginState.Running or PluginState.Starting).SelectMany(s => s.Footprint))
                .ToList();
        }
    }

    /// <summary>Weak references to the load contexts of stopped plugin versions (collected once really unloaded).</summary>
    public IReadOnlyList<WeakReference> RetiredContexts()
    {
        lock (_retired) return _retired.ToArray();
    }

    /// <summary>Installs bundled plugins not yet installed, then loads and starts every enabled plugin.</summary>
    /// <summary>
    /// Waits for the operation queue like any operation and leaves at once: proves the queue moves (the
    /// watchdog's liveness check). Cancelled by <paramref name="ct"/> while an operation holds the queue.
    /// </summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await _ops.WaitAsync(ct);
        _ops.Release();
    }

    public async Task StartAllAsync(CancellationToken ct)
    {
        await _ops.WaitAsync(ct);
        try
        {
            SeedBundled();
            foreach (var folder in _folders.InstalledFolders())
                await ActivateFolderAsync(Path.GetFileName(folder), folder, reason: "start");
            lock (_slots)
                _folders.CleanRuntime(_slots.Values.Where(s => s.Active is not null).Select(s => s.Active!.RuntimeFolder).ToHashSet());
        }
        finally
        {
            _ops.Release();
        }
    }

    public async Task<OperationResult> InstallPackageAsync(Stream package, CancellationToken ct)
    {
        var staging = _folders.NewStagingFolder();
        var (folder, error) = PluginPackage.Extract(package, staging);
        if (error is not null)
        {
            PluginFolders.TryDelete(staging);
            return OperationResult.Refused(error);
        }
        var parsed = ManifestAdapter.Parse(await File.ReadAllTextAsync(Path.Combine(folder!, "plugin.json"), ct));
        var refusal = parsed.Errors.Count > 0
            ? "plugin.json: " + string.Join("; ", parsed.Errors)
            : ManifestAdapter.CheckHostApi(parsed.Manifest!) is { } api ? api
            : !File.Exists(Path.Combine(folder!, parsed.Manifest!.EntryAssembly)) ? $"package: entry assembly {parsed.Manifest.EntryAssembly} is not in the package"
            : null;
        if (refusal is not null)
        {
            PluginFolders.TryDelete(staging);
            return OperationResult.Refused(refusal);
        }
        var id = parsed.Manifest!.Id;
        await _ops.WaitAsync(ct);
        try
        {
            _folders.Promote(staging, id);
            var record = _store.Get(id);
            _store.Save(new PluginRecord(id, record?.Enabled ?? true, false, ManifestAdapter.Version(parsed.Manifest), record?.Config));
            await ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "install");
            return OperationResult.Done(Get(id)!);
        }
        finally
        {
            _ops.Release();
            PluginFolders.TryDelete(staging);
        }
    }

    public Task<OperationResult> UninstallAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        await StopActiveAsync(slot, PluginState.Disabled);
        _folders.RemoveInstalled(id);
        var record = _store.Get(id);
        _store.Save(new PluginRecord(id, record?.Enabled ?? true, Removed: true, null, record?.Config));
        lock (_slots) _slots.Remove(id);
        _health.ClearOwner(id);
        _bus.RemoveSubscriptions(id + "/");
        Publish(new PluginStateChanged(id, ManifestVersion(slot), "removed", null));
        return OperationResult.Done(Describe(slot) with { State = PluginState.Disabled });
    });

    public Task<OperationResult> EnableAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        SetEnabled(id, true);
        await ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "enable");
        return OperationResult.Done(Describe(slot));
    });

    public Task<OperationResult> DisableAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        SetEnabled(id, false);
        await StopActiveAsync(slot, PluginState.Disabled);
        slot.Error = null;
        Publish(new PluginStateChanged(id, ManifestVersion(slot), "disabled", null));
        return OperationResult.Done(Describe(slot));
    });

    public Task<OperationResult> RestartAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        await ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "restart", force: true);
        return OperationResult.Done(Describe(slot));
    });

    /// <summary>Validates and stores a new configuration section, then restarts the plugin with it.</summary>
    public Task<OperationResult> SetConfigAsync(string id, JsonElement config, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        if (slot.Manifest is null) return OperationResult.Refused($"plugin '{id}' has no valid manifest");
        var resolution = ManifestAdapter.ResolveConfig(slot.Manifest, config);
        if (resolution.Errors.Count > 0) return OperationResult.Refused(string.Join("; ", resolution.Errors));
        var record = _store.Get(id);
        _store.Save(new PluginRecord(id, record?.Enabled ?? true, false, ManifestAdapter.Version(slot.Manifest), config.Clone()));
        await ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "config", force: true);
        return OperationResult.Done(Describe(slot));
    });

    /// <summary>Compares installed folders with what runs: new, changed (hot swap) and removed folders.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        await _ops.WaitAsync(ct);
        try
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var folder in _folders.InstalledFolders())
            {
                var id = Path.GetFileName(folder);
                present.Add(id);
                await ActivateFolderAsync(id, folder, reason: "folder changed");
            }
            PluginSlot[] gone;
            lock (_slots) gone = _slots.Values.Where(s => !present.Contains(s.Id)).ToArray();
            foreach (var slot in gone)
            {
                await StopActiveAsync(slot, PluginState.Disabled);
                lock (_slots) _slots.Remove(slot.Id);
                _health.ClearOwner(slot.Id);
                Publish(new PluginStateChanged(slot.Id, ManifestVersion(slot), "removed", "its folder was removed from disk"));
            }
        }
        finally
        {
            _ops.Release();
        }
    }

    private async Task<OperationResult> WithSlot(string id, CancellationToken ct, Func<PluginSlot, Task<OperationResult>> action)
    {
        await _ops.WaitAsync(ct);
        try
        {
            PluginSlot? slot;
            lock (_slots) _slots.TryGetValue(id, out slot);
            return slot is null ? OperationResult.Missing($"plugin '{id}' is not installed") : await action(slot);
        }
        finally
        {
            _ops.Release();
        }
    }

    private void SetEnabled(string id, bool enabled)
    {
        var record = _store.Get(id);
        _store.Save(new PluginRecord(id, enabled, false, record?.Version, record?.Config));
    }

    private void SeedBundled()
    {
        var bundled = _options.BundledPluginsDirectory;
        if (string.IsNullOrEmpty(bundled) || !Directory.Exists(bundled)) return;
        foreach (var source in Directory.EnumerateDirectories(bundled).Where(d => File.Exists(Path.Combine(d, "plugin.json"))))
        {
            var parsed = ManifestAdapter.Parse(File.ReadAllText(Path.Combine(source, "plugin.json")));
            if (parsed.Manifest is null)
            {
                _log.LogError("Bundled plugin in {Folder} has an invalid manifest: {Errors}", source, string.Join("; ", parsed.Errors));
                continue;
            }
            var id = parsed.Manifest.Id;
            if (_store.Get(id) is { Removed: true }) continue;
            var installed = _folders.InstalledFolder(id);
            if (Directory.Exists(installed))
            {
                var current = ManifestAdapter.Parse(File.ReadAllText(Path.Combine(installed, "plugin.json")));
                var newer = current.Manifest is null || ManifestAdapter.CompareVersions(parsed.Manifest, current.Manifest) > 0;
                var refresh = _options.Plugins.RefreshBundled && PluginFolders.Fingerprint(source) != PluginFolders.Fingerprint(installed);
                if (!newer && !refresh) continue;
            }
            var staging = _folders.NewStagingFolder();
            PluginFolders.CopyDirectory(source, staging);
            _folders.Promote(staging, id);
            _log.LogInformation("Installed bundled plugin {Plugin} {Version}", id, ManifestAdapter.Version(parsed.Manifest));
        }
    }

    private static string ManifestVersion(PluginSlot slot) => slot.Manifest is null ? "?" : ManifestAdapter.Version(slot.Manifest);

    private void Publish(IApplianceEvent @event)
    {
        try
        {
            _bus.Publish("appliance.host", @event);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Could not record {Event}", @event.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _ops.WaitAsync();
        try
        {
            PluginSlot[] slots;
            lock (_slots) slots = _slots.Values.ToArray();
            foreach (var slot in slots) await StopActiveAsync(slot, PluginState.Loaded);
        }
        finally
        {
            _ops.Release();
        }
        Task[] pending;
        lock (_pending) pending = _pending.ToArray();
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>The outcome of a plugin operation asked for by a user.</summary>
public sealed record OperationResult(PluginStatus? Status, string? Error, bool NotFound)
{
    public static OperationResult Done(PluginStatus status) => new(status, null, false);

    public static OperationResult Refused(string error) => new(null, error, false);

    public static OperationResult Missing(string error) => new(null, error, true);
}
