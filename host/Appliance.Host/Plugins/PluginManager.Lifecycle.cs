using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Host.Plugins;

public sealed partial class PluginManager
{
    /// <summary>
    /// Brings plugin <paramref name="id"/> in line with its installed folder: loads a new or changed
    /// version (starting it and then stopping and unloading the old one: a hot swap), or leaves it be.
    /// Caller holds <c>_ops</c>.
    /// </summary>
    private async Task ActivateFolderAsync(string id, string folder, string reason, bool force = false)
    {
        PluginSlot slot;
        lock (_slots)
        {
            if (!_slots.TryGetValue(id, out slot!))
                _slots[id] = slot = new PluginSlot(id);
        }
        var fingerprint = PluginFolders.Fingerprint(folder);
        var record = _store.Get(id);
        var enabled = record?.Enabled ?? true;
        if (!force && fingerprint == slot.Fingerprint && (slot.State != PluginState.Disabled || !enabled) && (slot.Active is not null || !enabled || slot.State is PluginState.Invalid or PluginState.Quarantined))
            return;
        slot.Fingerprint = fingerprint;

        var parsed = ManifestAdapter.Parse(await File.ReadAllTextAsync(folder + "/plugin.json"));
        if (parsed.Manifest is null)
        {
            await Invalidate(slot, "plugin.json: " + string.Join("; ", parsed.Errors));
            return;
        }
        var manifest = parsed.Manifest;
        slot.Manifest = manifest;
        if (manifest.Id != id)
        {
            await Invalidate(slot, $"plugin.json: id '{manifest.Id}' does not match its folder name '{id}'");
            return;
        }
        if (ManifestAdapter.CheckHostApi(manifest) is { } apiError)
        {
            await Invalidate(slot, apiError);
            return;
        }
        if (!enabled)
        {
            await StopActiveAsync(slot, PluginState.Disabled);
            return;
        }
        JsonElement? section = record?.Config ?? (_options.PluginConfig.TryGetValue(id, out var fromFile) ? fromFile : null);
        var config = ManifestAdapter.ResolveConfig(manifest, section);
        if (config.Errors.Count > 0)
        {
            await Invalidate(slot, "configuration: " + string.Join("; ", config.Errors));
            return;
        }
        var footprint = ManifestAdapter.Footprint(manifest, config.Config);
        IReadOnlyList<string> collisions;
        lock (_slots)
        {
            var others = _hostFootprint.Entries().Concat(_slots.Values
                .Where(s => s.Id != id && s.State is PluginState.Running or PluginState.Starting)
                .SelectMany(s => s.Footprint));
            collisions = ManifestAdapter.Collisions(others.Concat(footprint));
        }
        if (collisions.Count > 0)
        {
            await Invalidate(slot, string.Join("; ", collisions));
            return;
        }

        var version = ManifestAdapter.Version(manifest);
        string runtime = _folders.ShadowCopy(id, version, folder);
        ILoadedPluginAssembly assembly;
        IPlugin instance;
        try
        {
            assembly = _loader.Load(runtime, manifest.EntryAssembly);
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
            await StopActiveAsync(slot, PluginState.Stopping);
            Quarantined(slot, $"could not load {manifest.EntryAssembly}: {ex.Message}", ex);
            return;
        }

        // Hot swap: the new version is loaded and constructed; now stop the old one and start the new.
        await StopActiveAsync(slot, PluginState.Stopping);
        slot.Footprint = footprint;
        _log.LogInformation("Starting plugin {Plugin} {Version} ({Reason})", id, version, reason);
        await StartInstanceAsync(slot, assembly, instance, config.Config, runtime, version);
    }

    private async Task StartInstanceAsync(PluginSlot slot, ILoadedPluginAssembly assembly, IPlugin instance, JsonElement config, string runtime, string version)
    {
        var id = slot.Id;
        ActiveInstance? active = null;
        var context = new PluginContext(
            id, config.Clone(), _loggers.CreateLogger("plugin." + id), _folders.DataFolder(id), _bus, _health, _streams, _cameras,
            ManifestAdapter.InboundPorts(slot.Footprint), _time,
            (loop, error) => OnBackgroundCrash(slot, active, loop, error));
        active = new ActiveInstance(assembly, instance, context, runtime);
        slot.Active = active;
        slot.State = PluginState.Starting;
        slot.Error = null;
        using var cts = new CancellationTokenSource(StartTimeout);
        try
        {
            await instance.StartAsync(context, cts.Token).WaitAsync(StartTimeout);
            if (slot.Active != active) return; // crashed and quarantined while starting
            _routes.Replace(id, context.MappedRoutes);
            slot.State = PluginState.Running;
            slot.StartedAt = _time.GetUtcNow();
            Publish(new PluginStateChanged(id, version, "running", null));
        }
        catch (Exception ex)
        {
            var why = ex is TimeoutException
                ? $"did not start within {StartTimeout.TotalSeconds:0.#} s"
                : $"threw at start: {ex.GetType().Name}: {ex.Message}";
            await StopActiveAsync(slot, PluginState.Stopping);
            Quarantined(slot, why, ex);
        }
    }

    /// <summary>Stops the running instance (if any), releases all it acquired and unloads its context.</summary>
    private async Task StopActiveAsync(PluginSlot slot, PluginState next)
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

    private void OnBackgroundCrash(PluginSlot slot, ActiveInstance? instance, string loop, Exception error)
    {
        var task = Task.Run(async () =>
        {
            await _ops.WaitAsync();
            try
            {
                if (instance is null || slot.Active != instance) return;
                await StopActiveAsync(slot, PluginState.Stopping);
                Quarantined(slot, $"background task '{loop}' crashed: {error.GetType().Name}: {error.Message}", error);
            }
            finally
            {
                _ops.Release();
            }
        });
        lock (_pending)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
    }

    private void Quarantined(PluginSlot slot, string why, Exception? error)
    {
        slot.State = PluginState.Quarantined;
        slot.Error = why;
        _log.LogError(error, "Plugin {Plugin} quarantined: {Reason}", slot.Id, why);
        _health.Report(slot.Id, "plugin", HealthState.Unhealthy, "quarantined: " + why);
        Publish(new PluginStateChanged(slot.Id, ManifestVersion(slot), "quarantined", why));
    }

    private async Task Invalidate(PluginSlot slot, string why)
    {
        await StopActiveAsync(slot, PluginState.Stopping);
        slot.Error = why;
        slot.State = PluginState.Invalid;
        _log.LogError("Plugin {Plugin} cannot run: {Reason}", slot.Id, why);
        _health.Report(slot.Id, "plugin", HealthState.Unhealthy, why);
        Publish(new PluginStateChanged(slot.Id, ManifestVersion(slot), "invalid", why));
    }

    private PluginStatus Describe(PluginSlot slot)
    {
        var m = slot.Manifest;
        var routes = _routes.List().Where(r => r.PluginId == slot.Id).Select(r => $"{r.Method} /plugins/{slot.Id}/{r.Template.TrimStart('/')}").ToList();
        var health = _health.All().Where(h => h.Owner == slot.Id).Select(h => h.Report).ToList();
        var network = slot.Footprint.Select(e =>
        {
            var (first, last) = ManifestAdapter.Range(e.Entry.Port);
            return new FootprintLine(
                e.Entry.Direction.IsInbound ? "in" : "out",
                e.Entry.Transport.IsTcp ? "tcp" : "udp",
                first == last ? $"{first}" : $"{first}-{last}",
                e.Entry.Zone,
                Microsoft.FSharp.Core.OptionModule.ToObj(e.Entry.Fqdn),
                e.Entry.Purpose,
                e.Entry.Required,
                Microsoft.FSharp.Core.OptionModule.ToObj(e.Entry.ConfigKey));
        }).ToList();
        var enabled = _store.Get(slot.Id)?.Enabled ?? true;
        return new PluginStatus(
            slot.Id, m?.Name ?? slot.Id, m is null ? "?" : ManifestAdapter.Version(m), m is null ? "?" : ManifestAdapter.Kind(m),
            m?.Description ?? "", slot.State, enabled, slot.Error, slot.StartedAt, routes, health, network);
    }
}
