using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins.Services;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Plugins;

/// <summary>
/// The host's plugin operations, one at a time through a queue, and what the API and portal read about plugins.
/// The work is done by three pieces with one purpose each: <see cref="PluginInstaller"/> (packages and bundled
/// plugins into the installed folders), <see cref="PluginActivator"/> (validate, load, start, hot swap, roll back,
/// stop, quarantine one plugin) and <see cref="FolderReconciler"/> (what runs follows the installed folders).
/// The user's decisions (enabled, removed, config) are in <see cref="PluginStateStore"/>.
/// </summary>
public sealed partial class PluginManager : IAsyncDisposable
{
    /// <summary>Plugin sections of the configuration file: what a plugin runs with until its configuration is stored.</summary>
    private readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement> _fileConfig;
    private readonly SemaphoreSlim _ops = new(1, 1);
    private readonly PluginSlots _slots = new();
    private readonly PluginFolders _folders;
    private readonly PluginStateStore _store;
    private readonly OutboxEventBus _bus;
    private readonly HealthRegistry _health;
    private readonly PluginRouteTable _routes;
    private readonly HostFootprint _hostFootprint;
    private readonly PluginHostServices _services;
    private readonly PluginInstaller _installer;
    private readonly PluginActivator _activator;
    private readonly FolderReconciler _reconciler;
    private readonly bool _allowUnsigned;

    /// <summary>Composes the pieces from the host's services (the DI container and the test harnesses call this).</summary>
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
        TimeProvider time,
        PluginHostServices services,
        IsolatedPluginLoader? isolated = null)
    {
        _folders = folders;
        _allowUnsigned = options.Value.Plugins.AllowUnsigned;
        _fileConfig = options.Value.PluginConfig;
        _store = store;
        _bus = bus;
        _health = health;
        _routes = routes;
        _hostFootprint = hostFootprint;
        _services = services;
        var log = loggers.CreateLogger<PluginManager>();
        _installer = new PluginInstaller(options.Value, folders, store, log);
        Provenance = new PluginProvenance(options.Value.DataPath("plugin-provenance.json"), time);
        _activator = new PluginActivator(
            _ops, _slots, options.Value, folders, store, loader,
            isolated ?? new IsolatedPluginLoader(options, new Appliance.Isolation.Supervision.ChildProcessLauncher()),
            new PluginContextFactory(folders, bus, health, streams, cameras, services, loggers, time),
            routes, hostFootprint, health, bus, services, time, log);
        _reconciler = new FolderReconciler(folders, _slots, _activator, health);
    }

    public IReadOnlyList<PluginStatus> List() => _slots.All().Select(Describe).ToList();

    /// <summary>How each installed version arrived (signed catalog or unsigned upload).</summary>
    public PluginProvenance Provenance { get; }

    public PluginStatus? Get(string id) => _slots.Find(id) is { } slot ? Describe(slot) : null;

    /// <summary>The footprint of the host and of every plugin that is running or about to run.</summary>
    public IReadOnlyList<ResolvedEntry> Footprint() => _hostFootprint.Entries().Concat(_slots.RunningFootprint()).ToList();

    /// <summary>As <see cref="Footprint"/>, with the plugins' entries their configuration switches off (not in use).</summary>
    public IReadOnlyList<ResolvedEntry> DeclaredFootprint() => _hostFootprint.Entries().Concat(_slots.RunningDeclaredFootprint()).ToList();

    /// <summary>Weak references to the load contexts of stopped plugin versions (collected once really unloaded).</summary>
    public IReadOnlyList<WeakReference> RetiredContexts() => _activator.RetiredContexts();

    /// <summary>
    /// Waits for the operation queue like any operation and leaves at once: proves the queue moves (the
    /// watchdog's liveness check). Cancelled by <paramref name="ct"/> while an operation holds the queue.
    /// </summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await _ops.WaitAsync(ct);
        _ops.Release();
    }

    /// <summary>Installs bundled plugins not yet installed, then loads and starts every enabled plugin.</summary>
    public Task StartAllAsync(CancellationToken ct) => Queued(ct, async () =>
    {
        _installer.SeedBundled();
        await _reconciler.ActivateAllAsync();
    });

    /// <summary>Compares installed folders with what runs: new, changed (hot swap) and removed folders.</summary>
    public Task ReconcileAsync(CancellationToken ct) => Queued(ct, _reconciler.ReconcileAsync);

    /// <summary>
    /// Installs an unsigned package (the zip upload): refused unless <c>plugins.allowUnsigned</c> is set; signed
    /// packages come through the catalog (<see cref="InstallVerifiedAsync"/>).
    /// </summary>
    public Task<Result<PluginStatus>> InstallPackageAsync(Stream package, CancellationToken ct) =>
        _allowUnsigned
            ? InstallVerifiedAsync(package, ct)
            : Task.FromResult(PluginRefusal.Refused(
                "package: unsigned packages are refused (plugins.allowUnsigned is off); install plugins from the signed catalog"));

    /// <summary>Installs a package whose signature and hash were checked (the catalog), or an allowed unsigned one.</summary>
    /// <paramref name="expected"/> (the catalog's id and version) must be what the package's manifest says.
    internal async Task<Result<PluginStatus>> InstallVerifiedAsync(Stream package, CancellationToken ct, (string Id, string Version)? expected = null)
    {
        var staged = await _installer.StageAsync(package, ct);
        if (!staged.IsOk) return PluginRefusal.Refused(staged.Failure!.Message);
        if (expected is { } want && (staged.Value.Manifest.Id != want.Id || ManifestAdapter.Version(staged.Value.Manifest) != want.Version))
        {
            PluginFolders.TryDelete(staged.Value.Staging);
            return PluginRefusal.Refused(
                $"package: its manifest says {staged.Value.Manifest.Id} {ManifestAdapter.Version(staged.Value.Manifest)}, the signed index {want.Id} {want.Version}");
        }
        await _ops.WaitAsync(ct);
        try
        {
            var folder = _installer.Promote(staged.Value);
            var id = staged.Value.Manifest.Id;
            Provenance.Record(id, ManifestAdapter.Version(staged.Value.Manifest), signed: expected is not null);
            await _activator.ActivateFolderAsync(id, folder, reason: "install");
            return Result<PluginStatus>.Ok(Get(id)!);
        }
        finally
        {
            _ops.Release();
            PluginFolders.TryDelete(staged.Value.Staging);
        }
    }

    public Task<Result<PluginStatus>> UninstallAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        await _activator.StopActiveAsync(slot, PluginState.Disabled);
        _folders.RemoveInstalled(id);
        var record = _store.Get(id);
        _store.Save(new PluginRecord(id, record?.Enabled ?? true, Removed: true, null, record?.Config));
        _slots.Remove(id);
        _health.ClearOwner(id);
        _bus.RemoveSubscriptions(id + "/");
        _services.Secrets.RemoveAll(id);
        _services.Events.RemoveOwner(id);
        PluginFolders.TryDelete(_folders.PreviousFolder(id));
        _activator.Publish(new PluginStateChanged(id, PluginActivator.ManifestVersion(slot), "removed", null));
        return Result<PluginStatus>.Ok(Describe(slot) with { State = PluginState.Disabled });
    });

    public Task<Result<PluginStatus>> EnableAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        SetEnabled(id, true);
        await _activator.ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "enable");
        return Result<PluginStatus>.Ok(Describe(slot));
    });

    public Task<Result<PluginStatus>> DisableAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        SetEnabled(id, false);
        await _activator.StopActiveAsync(slot, PluginState.Disabled);
        slot.Error = null;
        _activator.Publish(new PluginStateChanged(id, PluginActivator.ManifestVersion(slot), "disabled", null));
        return Result<PluginStatus>.Ok(Describe(slot));
    });

    public Task<Result<PluginStatus>> RestartAsync(string id, CancellationToken ct) => WithSlot(id, ct, async slot =>
    {
        await _activator.ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "restart", force: true);
        return Result<PluginStatus>.Ok(Describe(slot));
    });

    /// <summary>Validates and stores a new configuration section, then restarts the plugin with it.</summary>
    public Task<Result<PluginStatus>> SetConfigAsync(string id, JsonElement config, CancellationToken ct) =>
        WithSlot(id, ct, slot => ApplyConfigAsync(slot, id, config));

    /// <summary>Validates and stores <paramref name="config"/> as the plugin's section and restarts it (inside the operation queue).</summary>
    private async Task<Result<PluginStatus>> ApplyConfigAsync(PluginSlot slot, string id, JsonElement config)
    {
        if (slot.Manifest is null) return PluginRefusal.Refused($"plugin '{id}' has no valid manifest");
        if (!ManifestAdapter.ResolveConfig(slot.Manifest, config).TryGetValue(out var resolved, out var invalid))
            return PluginRefusal.Refused(string.Join("; ", invalid.Errors));
        if (ManifestAdapter.CheckedFootprint(slot.Manifest, resolved).Failure is { } badFootprint)
            return PluginRefusal.Refused(string.Join("; ", badFootprint.Errors));
        var record = _store.Get(id);
        _store.Save(new PluginRecord(id, record?.Enabled ?? true, false, ManifestAdapter.Version(slot.Manifest), config.Clone()));
        await _activator.ActivateFolderAsync(id, _folders.InstalledFolder(id), reason: "config", force: true);
        return Result<PluginStatus>.Ok(Describe(slot));
    }

    private async Task Queued(CancellationToken ct, Func<Task> operation)
    {
        await _ops.WaitAsync(ct);
        try
        {
            await operation();
        }
        finally
        {
            _ops.Release();
        }
    }

    private async Task<Result<PluginStatus>> WithSlot(string id, CancellationToken ct, Func<PluginSlot, Task<Result<PluginStatus>>> action)
    {
        await _ops.WaitAsync(ct);
        try
        {
            return _slots.Find(id) is { } slot ? await action(slot) : PluginRefusal.NotInstalled($"plugin '{id}' is not installed");
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

    private PluginStatus Describe(PluginSlot slot)
    {
        var m = slot.Manifest;
        var routes = _routes.List().Where(r => r.PluginId == slot.Id)
            .Select(r => r.Template.StartsWith('/') ? $"{r.Method} {r.Template}" : $"{r.Method} /plugins/{slot.Id}/{r.Template}").ToList();
        var health = _health.All().Where(h => h.Owner == slot.Id).Select(h => h.Report).ToList();
        var network = slot.Footprint.Select(e =>
        {
            var (first, last) = ManifestAdapter.Range(e.Entry.Port);
            return new FootprintLine(
                e.Entry.Direction.IsInbound ? "in" : "out",
                e.Entry.Transport.IsTcp ? "tcp" : "udp",
                first == last ? $"{first}" : $"{first}-{last}",
                e.Entry.Zone,
                Appliance.Core.Manifest.ManifestFacade.Fqdn(e.Entry),
                e.Entry.Purpose,
                e.Entry.Required,
                Appliance.Core.Manifest.ManifestFacade.ConfigKey(e.Entry));
        }).ToList();
        var enabled = _store.Get(slot.Id)?.Enabled ?? true;
        return new PluginStatus(
            slot.Id, m?.Name ?? slot.Id, m is null ? "?" : ManifestAdapter.Version(m), m is null ? "?" : ManifestAdapter.Kind(m),
            m?.Description ?? "", slot.State, enabled, slot.Error, slot.StartedAt, routes, health, network, slot.LastUpdate);
    }

    public async ValueTask DisposeAsync()
    {
        await _ops.WaitAsync();
        try
        {
            foreach (var slot in _slots.All()) await _activator.StopActiveAsync(slot, PluginState.Loaded);
        }
        finally
        {
            _ops.Release();
        }
        await _activator.DrainAsync(TimeSpan.FromSeconds(5));
    }
}

/// <summary>
/// How a plugin operation asked for by a user says no, in the project's <see cref="Result{T}"/> (the value is the
/// plugin's status afterwards): <see cref="NotFound"/> (the API answers 404) or <see cref="RefusedCode"/> (400).
/// </summary>
public static class PluginRefusal
{
    public const string NotFound = "not-found";

    public const string RefusedCode = "refused";

    public static Result<PluginStatus> Refused(string why) => Result<PluginStatus>.Fail(RefusedCode, why);

    public static Result<PluginStatus> NotInstalled(string why) => Result<PluginStatus>.Fail(NotFound, why);
}
