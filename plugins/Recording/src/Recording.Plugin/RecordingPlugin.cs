using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Recording.Plugin.Clips;
using Appliance.Plugins.Recording.Protocol.Timeline;
using Appliance.Plugins.Recording.Plugin.Index;
using Appliance.Plugins.Recording.Plugin.Recorder;
using Appliance.Plugins.Recording.Plugin.Routes;

namespace Appliance.Plugins.Recording.Plugin;

/// <summary>
/// The recording plugin: a <see cref="CameraRecorder"/> per recorded camera on the hub (no re-encoding), segments in
/// <c>{DataDirectory}/segments/{camera}/</c> indexed by arrival time in its own SQLite file, retention by age and
/// disk budgets, recovery at start, event markers from the bus (and triggers in event mode), clip jobs with progress
/// and Range downloads, and a portal page.
/// </summary>
public sealed class RecordingPlugin : IPlugin
{
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly Dictionary<string, (CameraRecorder Recorder, CancellationTokenSource Stop, Task Run)> _recorders = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _retentionDue = new(0);
    private IPluginContext? _context;
    private SegmentStore? _store;
    private IDisposable? _watch;
    private IDisposable? _events;
    private IDisposable? _ruleActions;
    private IDisposable? _transcodes;

    internal RecordingSettings Settings { get; private set; } = null!;
    internal RecordingIndex Index { get; private set; } = null!;
    internal ClipService ClipJobs { get; private set; } = null!;
    internal TimeProvider Time => _context?.Time ?? TimeProvider.System;

    /// <summary>What recovery found at the last start.</summary>
    internal SegmentStore.RecoveryReport? Recovery { get; private set; }

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var settings = RecordingSettings.From(context.Config);
        if (!settings.IsOk) throw new InvalidOperationException($"appliance.recording configuration: {settings.Failure!.Message}");
        _context = context;
        Settings = settings.Value;
        Directory.CreateDirectory(context.DataDirectory);
        Index = new RecordingIndex(Path.Combine(context.DataDirectory, "recording.db"));
        _store = new SegmentStore(context.DataDirectory, Index, context.Logger);
        Recovery = _store.Recover();
        context.Health.Report("recovery", Recovery.Dropped + Recovery.MissingRows > 0 ? HealthState.Degraded : HealthState.Healthy,
            $"at start: {Recovery.Recovered} segments recovered, {Recovery.Dropped} unusable dropped, {Recovery.MissingRows} rows without a file, {Recovery.OrphanFiles} files without a row"
            + (Recovery.Problems.Count == 0 ? "" : $"; {string.Join("; ", Recovery.Problems.Take(5))}"));
        var export = ClipExport.Create(context, context.Config);
        if (!export.IsOk) throw new InvalidOperationException($"appliance.recording configuration: {export.Failure!.Message}");
        var downscaler = new ClipDownscaler(context.Streams, context.Events, context.Time, Settings.DownscaleAnswerLimit);
        _transcodes = context.Events.Subscribe(ClipDownscaler.SubscriptionName, ClipDownscaler.EventTypes, downscaler.HandleAsync);
        ClipJobs = new ClipService(_store, context.Time, context.Logger, export.Value, downscaler, Settings.DownscaleKbps, Settings.ClipBudgetBytes);
        if (export.Value is { } exporter) context.RunBackground("export", exporter.Exporter.RunAsync);
        ClipJobs.Resume();
        new RecordingRoutes(this, context.Http).Map();
        if (Settings.TriggerEvents.Count > 0) _events = context.Events.Subscribe("recording-markers", Settings.TriggerEvents, OnEventAsync);
        var clipActions = new ClipRuleAction(ClipJobs, id => KnownCameras().Contains(id), Settings.Limits.MaxAge, context.Events, context.Time);
        _ruleActions = context.Events.Subscribe(ClipRuleAction.SubscriptionName, ClipRuleAction.EventTypes, clipActions.HandleAsync);
        context.RunBackground("clips", ClipJobs.RunAsync);
        context.RunBackground("retention", RetentionAsync);
        _watch = context.Cameras.Watch(Reconcile);
        context.Logger.Info("recording plugin started ({Mode}): {Recovery}", Settings.Mode, Recovery);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _events?.Dispose();
        _ruleActions?.Dispose();
        _transcodes?.Dispose();
        List<(CameraRecorder Recorder, CancellationTokenSource Stop, Task Run)> all;
        lock (_gate)
        {
            all = _recorders.Values.ToList();
            _recorders.Clear();
        }
        await Task.WhenAll(all.Select(StopRecorderAsync)).ConfigureAwait(false);
        // The host has cancelled and awaited the background loops (the exporter's among them) before this.
        ClipJobs?.Export?.Exporter.Dispose();
        Index?.Dispose();
    }

    /// <summary>Cameras with recordings or in the inventory (and, when configured, only the listed ones).</summary>
    internal IReadOnlySet<string> KnownCameras()
    {
        var known = new HashSet<string>(Index.RecordedCameras(), StringComparer.Ordinal);
        foreach (var c in _context!.Cameras.List()) known.Add(c.Id);
        return known;
    }

    internal bool IsRecording(string camera)
    {
        lock (_gate) return _recorders.ContainsKey(camera);
    }

    internal CameraRecorder? Recorder(string camera)
    {
        lock (_gate) return _recorders.TryGetValue(camera, out var r) ? r.Recorder : null;
    }

    private void Reconcile(IReadOnlyList<CameraInfo> cameras)
    {
        if (_store is null) return;
        var wanted = cameras.Where(c => c.Enabled && (Settings.Cameras.Count == 0 || Settings.Cameras.Contains(c.Id))).Select(c => c.Id)
            .ToHashSet(StringComparer.Ordinal);
        List<(CameraRecorder, CancellationTokenSource, Task)> removed;
        lock (_gate)
        {
            removed = _recorders.Where(r => !wanted.Contains(r.Key)).Select(r => r.Value).ToList();
            foreach (var gone in _recorders.Keys.Where(k => !wanted.Contains(k)).ToList()) _recorders.Remove(gone);
            foreach (var id in wanted.Where(id => !_recorders.ContainsKey(id)))
            {
                var recorder = new CameraRecorder(id, Settings, _store, _context!.Streams, _context.Time, _context.Health, () => _retentionDue.Release());
                var stop = new CancellationTokenSource();
                _recorders[id] = (recorder, stop, Task.Run(() => RunRecorderAsync(recorder, stop.Token)));
            }
        }
        foreach (var r in removed) _ = StopRecorderAsync(r);
    }

    private async Task RunRecorderAsync(CameraRecorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            await recorder.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _context?.Health.Report($"camera/{recorder.Camera}", HealthState.Unhealthy, $"recorder stopped: {e.Message}");
            _context?.Logger.Error(e, "camera {Camera} recorder failed", recorder.Camera);
        }
    }

    private static async Task StopRecorderAsync((CameraRecorder Recorder, CancellationTokenSource Stop, Task Run) entry)
    {
        await entry.Stop.CancelAsync().ConfigureAwait(false);
        await entry.Run.ConfigureAwait(false);
        entry.Stop.Dispose();
    }

    /// <summary>A configured event with a camera: a marker on that camera's timeline, and in event mode a trigger.</summary>
    private Task OnEventAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Data.ValueKind != JsonValueKind.Object || !envelope.Data.TryGetProperty("cameraId", out var c) || c.ValueKind != JsonValueKind.String)
            return Task.CompletedTask;
        var camera = c.GetString()!;
        var atUs = ClipService.ToUs(envelope.OccurredAt);
        Index.AddEvent(new EventRow(camera, atUs, envelope.Type, envelope.Id.ToString("N"), EventDetail.Describe(envelope.Data)));
        if (Settings.Mode == RecordingMode.Event) Recorder(camera)?.Trigger(atUs);
        return Task.CompletedTask;
    }

    private async Task RetentionAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                ApplyRetention();
            }
            catch (Exception e) when (e is IOException or Microsoft.Data.Sqlite.SqliteException)
            {
                // A disk problem is reported and tried again at the next round, not a reason to stop the plugin.
                _context!.Health.Report("retention", HealthState.Unhealthy, $"retention failed: {e.Message}");
            }
            await _retentionDue.WaitAsync(RetentionInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes what the age and budgets say must go; reports when a budget cannot hold even one segment.</summary>
    internal int ApplyRetention()
    {
        Dictionary<string, long> open;
        lock (_gate) open = _recorders.ToDictionary(r => r.Key, r => r.Value.Recorder.OpenBytes, StringComparer.Ordinal);
        var deleted = _store!.ApplyRetention(Settings.Limits, open, ClipService.ToUs(Time.GetUtcNow()));
        var limits = Settings.Limits;
        var kept = Index.Segments().Where(s => !s.Open).GroupBy(s => s.Camera).ToDictionary(g => g.Key, g => g.Count());
        var starved = open.Keys.Where(c => !kept.ContainsKey(c) && deleted > 0).ToList();
        if (starved.Count > 0)
            _context!.Health.Report("budget", HealthState.Degraded,
                $"the disk budget (camera {limits.CameraBudgetBytes / 1048576.0:0.###} MiB, total {limits.TotalBudgetBytes / 1048576.0:0.###} MiB; 0 = none) holds no closed segment of {string.Join(", ", starved)}: segments are deleted as soon as they close");
        else if (deleted > 0 || kept.Count > 0)
            _context!.Health.Report("budget", HealthState.Healthy, $"{Index.Segments().Sum(s => s.Bytes) / 1048576.0:0.#} MiB in {kept.Values.Sum()} segments");
        return deleted;
    }
}
