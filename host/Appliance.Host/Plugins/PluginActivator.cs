using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Core.Manifest;
using Appliance.Core.Network;
using Appliance.Core.Plugins;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins.Services;

namespace Appliance.Host.Plugins;

/// <summary>
/// Activation: brings one plugin in line with its installed folder (validate, load, start, hot swap, roll back) and
/// stops it again; quarantines a version that fails. Every method except the crash handler is called by an
/// operation that holds the manager's queue; a background crash takes the queue itself.
/// </summary>
internal sealed class PluginActivator
{
    private readonly List<WeakReference> _retired = [];
    private readonly List<Task> _pending = [];
    private readonly SemaphoreSlim _ops;
    private readonly PluginSlots _slots;
    private readonly ApplianceOptions _options;
    private readonly PluginFolders _folders;
    private readonly PluginStateStore _store;
    private readonly IPluginAssemblyLoader _loader;
    private readonly IsolatedPluginLoader _isolated;
    private readonly PluginContextFactory _contexts;
    private readonly PluginRouteTable _routes;
    private readonly HostFootprint _hostFootprint;
    private readonly HealthRegistry _health;
    private readonly OutboxEventBus _bus;
    private readonly PluginHostServices _services;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public PluginActivator(
        SemaphoreSlim operations,
        PluginSlots slots,
        ApplianceOptions options,
        PluginFolders folders,
        PluginStateStore store,
        IPluginAssemblyLoader loader,
        IsolatedPluginLoader isolated,
        PluginContextFactory contexts,
        PluginRouteTable routes,
        HostFootprint hostFootprint,
        HealthRegistry health,
        OutboxEventBus bus,
        PluginHostServices services,
        TimeProvider time,
        ILogger log)
    {
        _ops = operations;
        _slots = slots;
        _options = options;
        _folders = folders;
        _store = store;
        _loader = loader;
        _isolated = isolated;
        _contexts = contexts;
        _routes = routes;
        _hostFootprint = hostFootprint;
        _health = health;
        _bus = bus;
        _services = services;
        _time = time;
        _log = log;
    }

    private TimeSpan StartTimeout => TimeSpan.FromSeconds(_options.Plugins.StartTimeoutSeconds);

    private TimeSpan StopTimeout => TimeSpan.FromSeconds(_options.Plugins.StopTimeoutSeconds);

    private static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(1);

    /// <summary>Weak references to the load contexts of stopped plugin versions (collected once really unloaded).</summary>
    public IReadOnlyList<WeakReference> RetiredContexts()
    {
        lock (_retired) return _retired.ToArray();
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) for the crash handlers still running.</summary>
    public Task DrainAsync(TimeSpan timeout)
    {
        Task[] pending;
        lock (_pending) pending = _pending.ToArray();
        return Task.WhenAll(pending).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>
    /// Brings plugin <paramref name="id"/> in line with its installed folder, transactionally: the new version is
    /// validated completely (manifest, host API, configuration, footprint and route collisions) and loaded before the
    /// running one is touched; if it fails to start (or crashes within the grace period) the previous version is
    /// started again and the status says "rolled back" with the new version's error. What to do is decided by the
    /// pure <c>HotSwap</c> functions of the core. Caller holds <c>_ops</c>.
    /// </summary>
    public async Task ActivateFolderAsync(string id, string folder, string reason, bool force = false)
    {
        var slot = _slots.GetOrAdd(id);
        var fingerprint = PluginFolders.Fingerprint(folder);
        var record = _store.Get(id);
        var enabled = record?.Enabled ?? true;
        var view = PluginsFacade.FolderView(
            fingerprint,
            slot.Active is not null ? slot.RunningFingerprint : null,
            slot.Rejected, slot.Failed ?? (slot.State is PluginState.Invalid or PluginState.Quarantined ? slot.Fingerprint : null),
            enabled, force);
        var decision = HotSwap.decide(view);
        if (decision.IsKeep && (enabled || slot.State == PluginState.Disabled)) return;
        if (decision.IsKeep || decision.IsStopIt)
        {
            // Disabled: nothing runs, but the status still shows what is installed.
            slot.Manifest ??= ManifestAdapter.ParseOrNull(await File.ReadAllTextAsync(Path.Combine(folder, "plugin.json")));
            slot.Fingerprint = fingerprint;
            await StopActiveAsync(slot, PluginState.Disabled);
            return;
        }
        if (decision is HotSwap.FolderDecision.Skip skip)
        {
            _log.LogInformation("Plugin {Plugin}: folder {Fingerprint} skipped: {Reason}", id, fingerprint, skip.reason);
            return;
        }
        slot.Fingerprint = fingerprint;
        var previousRan = slot.Active is not null;

        var candidate = Validate(slot, id, folder, record);
        if (candidate.Error is not null)
        {
            Refuse(slot, fingerprint, candidate.Version, candidate.Error, previousRan, candidate.Manifest);
            return;
        }
        var manifest = candidate.Manifest!;
        var version = ManifestAdapter.Version(manifest);
        string runtime = _folders.ShadowCopy(id, version, folder);
        ILoadedPluginAssembly assembly;
        IPlugin instance;
        try
        {
            assembly = _isolated.IsIsolated(manifest)
                ? _isolated.Load(manifest, runtime)
                : _loader.Load(runtime, manifest.EntryAssembly);
            try
            {
                instance = assembly.CreateInstance();
            }
            catch
            {
                assembly.Dispose();
                throw;
            }
        }
        catch (Exception ex)
        {
            PluginFolders.TryDelete(runtime);
            Refuse(slot, fingerprint, version, $"could not load {manifest.EntryAssembly}: {ex.Message}", previousRan, manifest, quarantine: true, ex);
            return;
        }

        // Everything checked and loaded: keep the running version's folder to come back to, stop it, start the new one.
        var previousManifest = slot.Manifest;
        string? previousFolder = null;
        if (slot.Active is { } old)
        {
            previousFolder = _folders.KeepPrevious(id, old.RuntimeFolder);
            slot.PreviousVersion = previousManifest is null ? "?" : ManifestAdapter.Version(previousManifest);
        }
        await StopActiveAsync(slot, PluginState.Stopping);
        slot.Manifest = manifest;
        slot.Footprint = candidate.Footprint;
        slot.DeclaredFootprint = ManifestAdapter.DeclaredFootprint(manifest, candidate.Config);
        _log.LogInformation("Starting plugin {Plugin} {Version} ({Reason})", id, version, reason);
        var error = await StartInstanceAsync(slot, assembly, instance, candidate.Config, runtime, version);
        if (error is null)
        {
            slot.RunningFingerprint = fingerprint;
            slot.Rejected = null;
            slot.Failed = null;
            slot.PreviousFolder = previousFolder;
            slot.GraceUntil = previousFolder is null ? null : _time.GetUtcNow() + SwapGrace;
            slot.LastUpdate = previousFolder is null ? null : $"updated from {slot.PreviousVersion} to {version}";
            return;
        }
        var after = HotSwap.afterAttempt(previousFolder is not null, HotSwap.Attempt.NewFailedToStart(error));
        if (after is HotSwap.AttemptDecision.RollBack rollBack && previousFolder is not null)
            await RollBackAsync(slot, previousFolder, previousManifest!, version, rollBack.error, fingerprint);
        else
            slot.Failed = fingerprint;
    }

    private TimeSpan SwapGrace => TimeSpan.FromSeconds(_options.Plugins.SwapGraceSeconds);

    private sealed record Candidate(PluginManifest? Manifest, string Version, string? Error, JsonElement Config, IReadOnlyList<ResolvedEntry> Footprint);

    /// <summary>Every check that needs no loading: manifest, id, host API, configuration, footprint, port and route collisions.</summary>
    private Candidate Validate(PluginSlot slot, string id, string folder, PluginRecord? record)
    {
        Candidate Fail(string error, PluginManifest? m = null) => new(m, m is null ? "?" : ManifestAdapter.Version(m), error, default, []);
        if (!ManifestAdapter.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json"))).TryGetValue(out var manifest, out var invalid))
            return Fail("plugin.json: " + string.Join("; ", invalid.Errors));
        if (manifest.Id != id) return Fail($"plugin.json: id '{manifest.Id}' does not match its folder name '{id}'", manifest);
        if (ManifestAdapter.CheckHostApi(manifest) is { } apiError) return Fail(apiError, manifest);
        if (_isolated.CheckOverride(id) is { } overrideError) return Fail(overrideError, manifest);
        JsonElement? section = record?.Config ?? (_options.PluginConfig.TryGetValue(id, out var fromFile) ? fromFile : null);
        if (!ManifestAdapter.ResolveConfig(manifest, section).TryGetValue(out var config, out var badConfig))
            return Fail("configuration: " + string.Join("; ", badConfig.Errors), manifest);
        if (!ManifestAdapter.CheckedFootprint(manifest, config).TryGetValue(out var footprint, out var badFootprint))
            return Fail("configuration: " + string.Join("; ", badFootprint.Errors), manifest);
        var running = _slots.All().Where(s => s.Id != id && s.State is PluginState.Running or PluginState.Starting && s.Manifest is not null).ToList();
        var others = _hostFootprint.Entries().Concat(running.SelectMany(s => s.Footprint));
        IReadOnlyList<string> collisions = ManifestAdapter.Collisions(others.Concat(footprint))
            .Concat(ManifestAdapter.RouteCollisions(manifest, running.Select(s => s.Manifest!)))
            .ToList();
        if (collisions.Count > 0) return Fail(string.Join("; ", collisions), manifest);
        foreach (var declared in manifest.Surface.Events)
        {
            var registered = _services.Events.Register(id, declared.Type, ManifestAdapter.Category(declared.Category), declared.Schema, declared.Description);
            if (!registered.IsOk) return Fail($"events: {registered.Failure}", manifest);
        }
        return new Candidate(manifest, ManifestAdapter.Version(manifest), null, config, footprint);
    }

    /// <summary>A version refused before the running one was touched: keep what runs, or stay down when nothing does.</summary>
    private void Refuse(PluginSlot slot, string fingerprint, string version, string error, bool previousRan, PluginManifest? manifest, bool quarantine = false, Exception? ex = null)
    {
        var after = HotSwap.afterAttempt(previousRan, HotSwap.Attempt.NewRefused(error));
        if (after is HotSwap.AttemptDecision.KeepPrevious keep)
        {
            slot.Rejected = fingerprint;
            slot.LastUpdate = $"refused {version}: {keep.error}";
            _log.LogError(ex, "Plugin {Plugin}: version {Version} refused, the running version keeps serving: {Error}", slot.Id, version, keep.error);
            _health.Report(slot.Id, "update", HealthState.Degraded, slot.LastUpdate);
            Publish(new PluginStateChanged(slot.Id, version, "refused", keep.error));
            return;
        }
        slot.Failed = fingerprint;
        if (manifest is not null) slot.Manifest = manifest;
        if (quarantine) Quarantined(slot, error, ex);
        else InvalidateNow(slot, error);
    }

    /// <summary>Starts the kept previous version again after the new one failed; the status says "rolled back".</summary>
    private async Task RollBackAsync(PluginSlot slot, string previousFolder, PluginManifest previousManifest, string failedVersion, string error, string failedFingerprint)
    {
        var id = slot.Id;
        var previousVersion = ManifestAdapter.Version(previousManifest);
        var message = HotSwap.rolledBackMessage(previousVersion, failedVersion, error);
        _log.LogError("Plugin {Plugin}: {Message}", id, message);
        slot.Rejected = failedFingerprint;
        var record = _store.Get(id);
        var candidate = Validate(slot, id, previousFolder, record);
        if (candidate.Error is not null)
        {
            Quarantined(slot, $"{message}; the previous version cannot run either: {candidate.Error}", null);
            return;
        }
        var runtime = _folders.ShadowCopy(id, previousVersion, previousFolder);
        try
        {
            var assembly = _isolated.IsIsolated(previousManifest) ? _isolated.Load(previousManifest, runtime) : _loader.Load(runtime, previousManifest.EntryAssembly);
            var instance = assembly.CreateInstance();
            slot.Manifest = previousManifest;
            slot.Footprint = candidate.Footprint;
            slot.DeclaredFootprint = ManifestAdapter.DeclaredFootprint(previousManifest, candidate.Config);
            var again = await StartInstanceAsync(slot, assembly, instance, candidate.Config, runtime, previousVersion);
            if (again is not null)
            {
                Quarantined(slot, $"{message}; the previous version failed too: {again}", null);
                return;
            }
            slot.RunningFingerprint = PluginFolders.Fingerprint(previousFolder);
            slot.GraceUntil = null;
            slot.LastUpdate = message;
            _health.Report(id, "update", HealthState.Degraded, message);
            Publish(new PluginStateChanged(id, previousVersion, "rolled back", $"{failedVersion}: {error}"));
        }
        catch (Exception ex)
        {
            PluginFolders.TryDelete(runtime);
            Quarantined(slot, $"{message}; the previous version could not be loaded: {ex.Message}", ex);
        }
    }

    /// <summary>Starts a loaded instance; null when it runs, else why not (the instance is then stopped and unloaded).</summary>
    private async Task<string?> StartInstanceAsync(PluginSlot slot, ILoadedPluginAssembly assembly, IPlugin instance, JsonElement config, string runtime, string version)
    {
        var id = slot.Id;
        ActiveInstance? active = null;
        var context = _contexts.Create(slot, config,
            (loop, error) => OnBackgroundCrash(slot, active, loop, error),
            (component, message) => OnUnhealthy(slot, active, component, message));
        active = new ActiveInstance(assembly, instance, context, runtime);
        _services.Digests.Realms = _slots.All().Where(s => s.Manifest is not null).SelectMany(s => s.Manifest!.Surface.DigestRealms).ToHashSet();
        slot.Active = active;
        slot.State = PluginState.Starting;
        slot.Error = null;
        using var cts = new CancellationTokenSource(StartTimeout);
        try
        {
            // The token fires at the timeout; the wait gives a plugin that honours it a moment to say where it was.
            await instance.StartAsync(context, cts.Token).WaitAsync(StartTimeout + CancellationGrace);
            if (slot.Active != active) return slot.Error ?? "crashed while starting"; // crashed and quarantined while starting
            _routes.Replace(id, context.MappedRoutes);
            slot.State = PluginState.Running;
            slot.StartedAt = _time.GetUtcNow();
            Publish(new PluginStateChanged(id, version, "running", null));
            return null;
        }
        catch (Exception ex)
        {
            // A plugin that honours the token ends with a cancellation when the start timeout fires: that is the
            // timeout too. An isolated plugin's cancellation wraps the original and says which part of its start
            // (process, handshake, the plugin's own start) it was waiting for.
            var why = ex switch
            {
                TimeoutException => $"did not start within {StartTimeout.TotalSeconds:0.#} s",
                OperationCanceledException when cts.IsCancellationRequested =>
                    $"did not start within {StartTimeout.TotalSeconds:0.#} s" + (ex.InnerException is null ? "" : $": {ex.Message}"),
                _ => $"threw at start: {ex.GetType().Name}: {ex.Message}",
            };
            await StopActiveAsync(slot, PluginState.Stopping);
            Quarantined(slot, why, ex);
            return why;
        }
    }

    /// <summary>Stops the running instance (if any), releases all it acquired and unloads its context.</summary>
    public async Task StopActiveAsync(PluginSlot slot, PluginState next)
    {
        var active = slot.Active;
        slot.Active = null;
        slot.State = next;
        if (active is null) return;
        _routes.Remove(slot.Id);
        using (var cts = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await active.Plugin.StopAsync(cts.Token).WaitAsync(StopTimeout);
            }
            catch (Exception ex)
            {
                _log.LogWarning(ex, "Plugin {Plugin} did not stop cleanly", slot.Id);
            }
        }
        var stuck = await active.Context.StopBackgroundAsync(StopTimeout);
        if (stuck.Count > 0)
            _log.LogWarning("Plugin {Plugin}: background loops {Loops} did not end within the stop timeout", slot.Id, string.Join(", ", stuck));
        await active.Context.DisposeAsync();
        _health.ClearOwner(slot.Id);
        lock (_retired)
        {
            _retired.Add(active.Assembly.ContextReference);
            _retired.RemoveAll(w => !w.IsAlive);
        }
        active.Assembly.Dispose();
        PluginFolders.TryDelete(active.RuntimeFolder);
    }

    private void OnBackgroundCrash(PluginSlot slot, ActiveInstance? instance, string loop, Exception error) =>
        Track(FailWhileRunningAsync(slot, instance, $"background task '{loop}' crashed: {error.GetType().Name}: {error.Message}", error, onlyWithinGrace: false));

    /// <summary>
    /// A version that reports a component unhealthy within the swap grace period is treated as one that crashed
    /// then: quarantined and rolled back to the previous version. Later reports are only health.
    /// </summary>
    private void OnUnhealthy(PluginSlot slot, ActiveInstance? instance, string component, string message)
    {
        if (slot.PreviousFolder is null || slot.GraceUntil is not { } until || _time.GetUtcNow() > until) return;
        Track(FailWhileRunningAsync(slot, instance, $"reported '{component}' unhealthy within the swap grace period: {message}", null, onlyWithinGrace: true));
    }

    private void Track(Task task)
    {
        lock (_pending)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
    }

    /// <summary>Stops and quarantines a running version; within the grace period after a swap, rolls back to the previous one.</summary>
    private Task FailWhileRunningAsync(PluginSlot slot, ActiveInstance? instance, string why, Exception? error, bool onlyWithinGrace) => Task.Run(async () =>
    {
        await _ops.WaitAsync();
        try
        {
            if (instance is null || slot.Active != instance) return;
            var withinGrace = slot.GraceUntil is { } until && _time.GetUtcNow() <= until;
            if (onlyWithinGrace && !withinGrace) return;
            var failedVersion = ManifestVersion(slot);
            var failedFingerprint = slot.RunningFingerprint;
            await StopActiveAsync(slot, PluginState.Stopping);
            Quarantined(slot, why, error);
            var after = HotSwap.afterAttempt(withinGrace && slot.PreviousFolder is not null, HotSwap.Attempt.NewQuarantinedWithinGrace(why));
            if (after is HotSwap.AttemptDecision.RollBack rollBack && slot.PreviousFolder is { } previous && Directory.Exists(previous))
            {
                var previousManifest = ManifestAdapter.ParseOrNull(File.ReadAllText(Path.Combine(previous, "plugin.json")));
                if (previousManifest is not null)
                    await RollBackAsync(slot, previous, previousManifest, failedVersion, rollBack.error, failedFingerprint ?? "");
            }
        }
        finally
        {
            _ops.Release();
        }
    });

    private void Quarantined(PluginSlot slot, string why, Exception? error)
    {
        slot.State = PluginState.Quarantined;
        slot.Error = why;
        _log.LogError(error, "Plugin {Plugin} quarantined: {Reason}", slot.Id, why);
        _health.Report(slot.Id, "plugin", HealthState.Unhealthy, "quarantined: " + why);
        Publish(new PluginStateChanged(slot.Id, ManifestVersion(slot), "quarantined", why));
    }

    private void InvalidateNow(PluginSlot slot, string why)
    {
        slot.Error = why;
        slot.State = PluginState.Invalid;
        _log.LogError("Plugin {Plugin} cannot run: {Reason}", slot.Id, why);
        _health.Report(slot.Id, "plugin", HealthState.Unhealthy, why);
        Publish(new PluginStateChanged(slot.Id, ManifestVersion(slot), "invalid", why));
    }

    internal static string ManifestVersion(PluginSlot slot) => slot.Manifest is null ? "?" : ManifestAdapter.Version(slot.Manifest);

    /// <summary>Records a plugin state change as a host event; a failure to record is logged, never thrown.</summary>
    internal void Publish(IApplianceEvent @event)
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
}
