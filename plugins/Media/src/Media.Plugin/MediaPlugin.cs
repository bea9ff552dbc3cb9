using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.Plugin.Cameras;
using Appliance.Plugins.Media.Plugin.Codecs;
using Appliance.Plugins.Media.Plugin.Diagnostics;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Plugins.Media.Plugin.Routes;
using Appliance.Plugins.Media.Plugin.Rules;
using Appliance.Plugins.Media.Plugin.Snapshots;
using Appliance.Plugins.Media.Plugin.Transcode;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Motion;

namespace Appliance.Plugins.Media.Plugin;

/// <summary>
/// The media plugin: decodes every enabled camera's hub stream (hardware codec when one works here, else software),
/// serves JPEG snapshots, keeps event and reference snapshots within a disk budget, publishes derived H.264 streams
/// while they are watched, detects motion, drives GPIO alarm inputs and outputs, and carries out the rules'
/// <c>gpio</c> and <c>snapshot</c> actions (<see cref="RuleActionHandler"/>), and re-encodes other plugins' video on
/// request (<see cref="TranscodeService"/>, e.g. a recorded clip down to 2MP). Runs in-process or isolated
/// (manifest kind <c>media</c>); it owns no process management itself.
/// </summary>
public sealed class MediaPlugin : IPlugin
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (CameraPipeline Pipeline, CancellationTokenSource Stop, Task Run)> _pipelines = new(StringComparer.Ordinal);
    private readonly Channel<MotionDetected> _motionEvents = Channel.CreateUnbounded<MotionDetected>();
    private IPluginContext? _context;
    private PipelineServices? _services;
    private IDisposable? _watch;
    private EarlySubscriptions? _early;
    private IDisposable? _eventSubscription;
    private IDisposable? _ruleActionSubscription;
    private IDisposable? _transcodeSubscription;

    internal MediaSettings? Settings { get; private set; }
    internal CodecBook? Codecs { get; private set; }
    internal SnapshotStore? Store { get; private set; }
    internal SnapshotService? Snapshots { get; private set; }
    internal GpioService? Gpio { get; private set; }
    internal RuleActionHandler? RuleActions { get; private set; }

    internal IPluginLogger? Logger => _context?.Logger;

    /// <summary>When this start's phases happened (route <c>startup</c>).</summary>
    internal StartupTimeline Startup { get; } = new();

    /// <summary>The GPIO driver in use (tests reach the simulated one through it).</summary>
    internal System.Device.Gpio.GpioDriver? GpioDriver { get; private set; }

    internal CameraPipeline? Pipeline(string cameraId)
    {
        lock (_gate) return _pipelines.TryGetValue(cameraId, out var p) ? p.Pipeline : null;
    }

    public async Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        Startup.Mark("plugin start");
        var settings = MediaSettings.From(context.Config);
        if (!settings.IsOk) throw new InvalidOperationException($"appliance.media configuration: {settings.Failure!.Message}");
        // Subscribed while FFmpeg loads and the codecs are probed (isolated, each subscription is a round trip to the
        // host), so the streams are on their way meanwhile. On a thread of its own: the round trips wait blocking and
        // should not hold one of the few thread-pool threads of a freshly started process (the answers are read there).
        var cameras = context.Cameras.List().Where(c => c.Enabled).Select(c => c.Id).ToList();
        var subscribing = Task.Factory.StartNew(() => new EarlySubscriptions(context.Streams, cameras, Startup), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var runtime = FFmpegRuntime.Load();
        if (!runtime.IsOk)
        {
            (await subscribing.ConfigureAwait(false)).Dispose();
            context.Health.Report("ffmpeg", HealthState.Unhealthy, runtime.Failure!.Message);
            throw new InvalidOperationException(runtime.Failure.Message);
        }
        context.Health.Report("ffmpeg", HealthState.Healthy, runtime.Value.Versions.ToString());
        Startup.Mark("ffmpeg loaded");
        _context = context;
        Settings = settings.Value;
        var (probes, reused) = ProbeCache.ProbeOrReuse(context.DataDirectory, runtime.Value, CodecCandidates.All);
        Codecs = new CodecBook(probes, settings.Value.Policy, context.Health);
        Startup.Mark(reused ? "codecs probed (kept from this boot's last start)" : "codecs probed");
        Store = new SnapshotStore(Path.Combine(context.DataDirectory, "snapshots"), settings.Value.SnapshotBudgets);
        Snapshots = new SnapshotService(Pipeline);
        _services = new PipelineServices(runtime.Value, Codecs, settings.Value, context.Streams, new AccessUnitPool(ArrayPool<byte>.Shared),
            context.Health, context.Logger, OnMotion, Startup);

        StartGpio(context, settings.Value.Gpio);
        new MediaRoutes(this).Map(context.Http);
        if (settings.Value.SnapshotOnEvents.Count > 0)
            _eventSubscription = context.Events.Subscribe("event-snapshots", settings.Value.SnapshotOnEvents, OnEventAsync);
        RuleActions = new RuleActionHandler(settings.Value.Gpio.Driver, () => Gpio, id => Snapshots.Latest(id), Store, context.Events, context.Time,
            RuleActionHandler.DefaultMaxWait);
        _ruleActionSubscription = context.Events.Subscribe(RuleActionHandler.SubscriptionName, RuleActionHandler.EventTypes, RuleActions.HandleAsync);
        var transcodes = new TranscodeService(_services, context.Events, context.Time);
        _transcodeSubscription = context.Events.Subscribe(TranscodeService.SubscriptionName, TranscodeService.EventTypes, transcodes.HandleAsync);
        context.RunBackground("transcodes", transcodes.RunAsync);
        context.RunBackground("motion-events", PublishMotionAsync);
        context.RunBackground("reference-images", ReferenceImagesAsync);
        _early = await subscribing.ConfigureAwait(false);
        _watch = context.Cameras.Watch(Reconcile);
        _early.Dispose(); // the cameras' pipelines took theirs; the rest (a camera disabled meanwhile) are not wanted
        context.Logger.Info("media plugin started: {Versions}", runtime.Value.Versions.ToString());
        Startup.Mark("started");
    }

    private void StartGpio(IPluginContext context, GpioSettings settings)
    {
        var driver = GpioDrivers.Create(settings);
        if (!driver.IsOk)
        {
            context.Health.Report("gpio", HealthState.Unhealthy, driver.Failure!.Message);
            return;
        }
        if (driver.Value is null) return;
        GpioDriver = driver.Value;
        Gpio = new GpioService(settings, driver.Value, context.Time);
        context.Health.Report("gpio", settings.Driver == GpioDriverKind.Simulated ? HealthState.Degraded : HealthState.Healthy,
            settings.Driver == GpioDriverKind.Simulated
                ? $"SIMULATED GPIO driver (configured): {settings.Inputs.Count} inputs, {settings.Outputs.Count} outputs"
                : $"libgpiod on gpiochip{settings.Chip}: {settings.Inputs.Count} inputs, {settings.Outputs.Count} outputs");
        var changes = Gpio.Changes;
        context.RunBackground("gpio-inputs", async ct =>
        {
            await foreach (var change in changes.ReadAllAsync(ct).ConfigureAwait(false))
                await context.Events.PublishAsync(change, ct).ConfigureAwait(false);
        });
    }

    private void Reconcile(IReadOnlyList<CameraInfo> cameras)
    {
        if (_services is null) return;
        var wanted = cameras.Where(c => c.Enabled).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        List<(CameraPipeline Pipeline, CancellationTokenSource Stop, Task Run)> removed;
        lock (_gate)
        {
            removed = _pipelines.Where(p => !wanted.Contains(p.Key)).Select(p => p.Value).ToList();
            foreach (var gone in _pipelines.Keys.Where(k => !wanted.Contains(k)).ToList()) _pipelines.Remove(gone);
            foreach (var id in wanted.Where(id => !_pipelines.ContainsKey(id)))
            {
                var pipeline = new CameraPipeline(id, _services);
                var stop = new CancellationTokenSource();
                var early = _early?.Take(id);
                var run = Task.Run(() => RunPipelineAsync(pipeline, early, stop.Token));
                _pipelines[id] = (pipeline, stop, run);
            }
        }
        foreach (var r in removed) _ = StopPipelineAsync(r);
    }

    private async Task RunPipelineAsync(CameraPipeline pipeline, IStreamSubscription? early, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.RunAsync(early, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _context?.Health.Report($"camera/{pipeline.CameraId}", HealthState.Unhealthy, $"pipeline stopped: {e.Message}");
            _context?.Logger.Error(e, "camera {Camera} pipeline failed", pipeline.CameraId);
        }
    }

    private static async Task StopPipelineAsync((CameraPipeline Pipeline, CancellationTokenSource Stop, Task Run) entry)
    {
        await entry.Stop.CancelAsync().ConfigureAwait(false);
        await entry.Run.ConfigureAwait(false);
        entry.Pipeline.Dispose();
        entry.Stop.Dispose();
    }

    /// <summary>Called on a camera's decode thread: keeps the snapshot of a motion start, then queues the event.</summary>
    private void OnMotion(string cameraId, MotionTransition transition, FFmpegInterop.VideoFrameView frame)
    {
        string? snapshotId = null;
        if (transition.Active && Pipeline(cameraId) is { } pipeline && Store is { } store)
        {
            var jpeg = pipeline.Snapshots.Encode(frame);
            if (jpeg.IsOk)
            {
                var saved = store.Save($"event-motion-{SnapshotIds.Sanitize(cameraId)}-{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}", jpeg.Value);
                if (saved.IsOk) snapshotId = saved.Value;
            }
        }
        _motionEvents.Writer.TryWrite(new MotionDetected(cameraId, "appliance.media", transition.Active, transition.Regions, snapshotId));
    }

    private async Task PublishMotionAsync(CancellationToken cancellationToken)
    {
        await foreach (var motion in _motionEvents.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await _context!.Events.PublishAsync(motion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A snapshot per event of a configured type, kept under the event's id (one per camera the event names,
    /// or of every camera for an event without a camera, e.g. a digital input).</summary>
    private Task OnEventAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var camera = envelope.Data.ValueKind == JsonValueKind.Object && envelope.Data.TryGetProperty("cameraId", out var c) ? c.GetString() : null;
        List<string> cameras;
        lock (_gate) cameras = camera is null ? _pipelines.Keys.ToList() : [camera];
        foreach (var id in cameras)
        {
            var snapshot = Snapshots?.Latest(id);
            if (snapshot is { IsOk: true } s) Store?.Save(SnapshotIds.ForEvent(envelope.Id, id), s.Value.Jpeg);
        }
        return Task.CompletedTask;
    }

    private async Task ReferenceImagesAsync(CancellationToken cancellationToken)
    {
        var time = _context!.Time;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Settings!.Reference.NextAfter(time.GetUtcNow()) is not { } due) return;
            var wait = due - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            await TakeReferenceImagesAsync(due, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps a reference image of every camera, named by time and day/night, and announces each with
    /// <see cref="ReferenceImageTaken"/> (the cloud link forwards it with the image's reference; rules may fire on it).</summary>
    internal async Task<int> TakeReferenceImagesAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        List<string> cameras;
        lock (_gate) cameras = _pipelines.Keys.ToList();
        var label = Protocol.Snapshots.ReferenceSchedule.Label(at);
        var kept = 0;
        foreach (var id in cameras)
        {
            if (Snapshots?.Latest(id) is not { IsOk: true } s ||
                Store?.Save($"reference-{SnapshotIds.Sanitize(id)}-{at:yyyyMMddTHHmm}-{label}", s.Value.Jpeg) is not { IsOk: true } saved)
                continue;
            kept++;
            await _context!.Events.PublishAsync(new ReferenceImageTaken(id, saved.Value, label, at, s.Value.Jpeg.Length), cancellationToken).ConfigureAwait(false);
        }
        return kept;
    }

    internal string StatusJson()
    {
        lock (_gate)
        {
            return JsonSerializer.Serialize(_pipelines.Values.Select(p => new
            {
                camera = p.Pipeline.CameraId,
                decoder = p.Pipeline.DecoderName,
                framesDecoded = p.Pipeline.FramesDecoded,
                decodeErrors = p.Pipeline.DecodeErrors,
                sdRunning = p.Pipeline.Sd.Running,
                sdUnits = p.Pipeline.Sd.UnitsWritten,
                sdError = p.Pipeline.Sd.LastFailure?.Message,
            }));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _early?.Dispose();
        _eventSubscription?.Dispose();
        _ruleActionSubscription?.Dispose();
        _transcodeSubscription?.Dispose();
        List<(CameraPipeline, CancellationTokenSource, Task)> all;
        lock (_gate)
        {
            all = _pipelines.Values.ToList();
            _pipelines.Clear();
        }
        await Task.WhenAll(all.Select(StopPipelineAsync)).WaitAsync(cancellationToken).ConfigureAwait(false);
        Gpio?.Dispose();
        Gpio = null;
        _motionEvents.Writer.TryComplete();
        _services = null;
    }
}
