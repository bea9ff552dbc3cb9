using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// The one pull of one camera: sessions one after another with capped, jittered backoff between them, all
/// feeding a single hub publisher (<c>camera/{id}</c>) so consumers see one continuous stream; timestamps
/// continue across a reconnect and the first unit after it is marked <see cref="AccessUnit.AfterGap"/>.
/// </summary>
internal sealed partial class CameraPull : IRtspPullObserver
{
    private readonly IPluginContext _context;
    private readonly RtspPluginSettings _settings;
    private readonly IRtpPortAllocator _ports;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly StreamHealthMeter _meter;
    private readonly CameraPull? _previous;
    private readonly AccessUnitPool _units;
    private readonly Dictionary<int, IReadOnlyList<byte[]>> _parameters = new();
    private IReadOnlyList<SdpTrack> _tracks = [];
    private IStreamPublisher? _publisher;
    private RtspPullSession? _session;
    private string _state = "connecting";
    private string? _lastError;
    private bool? _online;
    private DateTimeOffset? _gapFrom;
    private string? _gapReason;
    private int _gapAttempts;
    private int _reconnects;
    private long _packetsBefore;
    private long _lostBefore;
    private long _sessions;
    private DateTimeOffset _lastUnitAt;
    private RtspTransportMode _transport;
    private string _transportLabel;
    private bool _mediaThisSession;
    private string? _codec;
    private VideoParameters? _video;
    private readonly TransportSelector _selector;
    private readonly LearntTransports _learnt;

    public CameraPull(IPluginContext context, CameraInfo camera, PullTarget target, RtspPluginSettings settings, IRtpPortAllocator ports, Func<double> random,
        AccessUnitPool units, CameraPull? previous, LearntTransports learnt)
    {
        _context = context;
        Camera = camera;
        Target = target;
        _settings = settings;
        _ports = ports;
        _previous = previous;
        _units = units;
        _backoff = new ReconnectBackoff(settings.ReconnectInitial, settings.ReconnectMax, random);
        _meter = new StreamHealthMeter(context.Time);
        _learnt = learnt;
        _selector = new TransportSelector(FixedTransportOf(camera, settings), learnt.Get(target.Key(camera), target.Uri));
        _transport = _selector.Current;
        _transportLabel = _selector.Label;
    }

    public CameraInfo Camera { get; }

    /// <summary>The stream this pull feeds: the camera's main stream or its sub stream.</summary>
    public PullTarget Target { get; }

    public string StreamName => Target.StreamName;

    public string Component => Target.StreamName;

    public Task Completion => _completion.Task;

    /// <summary>RTSP sessions started so far (one per connection attempt).</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    public void Stop() => _stop.Cancel();

    public async Task RunAsync(CancellationToken hostToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hostToken, _stop.Token);
        var ct = linked.Token;
        // A sub stream publishes no camera events: the main stream says whether the camera is online.
        var events = Target.IsSub ? null : new EventQueue(_context);
        _events = events;
        Task? eventLoop = null, healthLoop = null;
        try
        {
            if (_previous is not null) await _previous.Completion.WaitAsync(ct).ConfigureAwait(false);
            eventLoop = events?.RunAsync(ct);
            healthLoop = HealthLoopAsync(ct);
            await PullLoopAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            linked.Cancel();
            if (eventLoop is not null) await eventLoop.ConfigureAwait(false);
            if (!Target.IsSub) await PublishOpenGapAsync().ConfigureAwait(false);
            if (healthLoop is not null) await healthLoop.ConfigureAwait(false);
            lock (_gate)
            {
                _publisher?.Dispose();
                _publisher = null;
                _session = null;
            }
            _context.Health.Clear(Component);
            _events = null;
            _completion.TrySetResult();
        }
    }

    private EventQueue? _events;

    private async Task PullLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await WaitForDemandAsync(ct).ConfigureAwait(false);
            var options = SessionOptions();
            var session = new RtspPullSession(options, this);
            lock (_gate) _session = session;
            Interlocked.Increment(ref _sessions);
            RtspPullOutcome outcome;
            using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var unwatched = Target.IsSub ? StopWhenUnwatchedAsync(sessionStop) : Task.FromResult(false);
            try
            {
                outcome = await session.RunAsync(sessionStop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && sessionStop.IsCancellationRequested)
            {
                outcome = new RtspPullOutcome(RtspPullEnd.Stopped, "no subscriber", false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug in the protocol code must not take the other cameras down: report it, back off, retry.
                _context.Logger.Error(e, "camera {Camera}: RTSP session failed unexpectedly", Camera.Id);
                outcome = new RtspPullOutcome(RtspPullEnd.ProtocolError, "internal error: " + e.Message, false);
            }
            sessionStop.Cancel();
            var idle = await unwatched.ConfigureAwait(false);
            AccumulateTotals(session);
            if (ct.IsCancellationRequested) break;
            if (idle)
            {
                FirstPullOver();
                WentIdle();
                continue;
            }
            if (outcome.End == RtspPullEnd.Stopped) break;
            bool switchNow;
            string error;
            lock (_gate)
            {
                switchNow = _selector.OnSessionEnded(outcome, out error);
                _transportLabel = _selector.Label;
            }
            if (switchNow)
            {
                // Automatic transport: the other one is tried at once (not counted as a reconnect, no offline event yet).
                _context.Logger.Info("camera {Camera}: {Error}; trying {Transport}", Camera.Id, outcome.Message, TransportSelector.Name(_selector.Current).ToUpperInvariant());
                continue;
            }
            FirstPullOver();
            SessionEnded(outcome with { Message = error });
            if (outcome.Played && outcome.End != RtspPullEnd.NoMediaAfterPlay) _backoff.Reset();
            var delay = _backoff.Next();
            _context.Logger.Warn("camera {Camera}: {Error}; reconnecting in {Seconds} s", Camera.Id, outcome.Message, Math.Round(delay.TotalSeconds, 2));
            await Task.Delay(delay, _context.Time, ct).ConfigureAwait(false);
            lock (_gate)
            {
                // The state stays what the last attempt ended with (offline, unauthorized) until a PLAY succeeds.
                _reconnects++;
                if (_gapFrom is not null) _gapAttempts++;
            }
        }
    }

    private RtspPullOptions SessionOptions()
    {
        IReadOnlyDictionary<int, long>? starts = null;
        bool afterGap;
        lock (_gate)
        {
            afterGap = _gapFrom is not null || _resumeAfterIdle;
            _resumeAfterIdle = false;
            if (afterGap && _lastTimestamps is { Count: > 0 } last)
            {
                // Continue each track's timeline: last timestamp + the wall-clock length of the gap.
                var gap = (_context.Time.GetUtcNow() - _lastUnitAt).TotalSeconds;
                starts = last.ToDictionary(kv => kv.Key, kv => kv.Value + (long)(Math.Max(gap, 0.001) * ClockOf(kv.Key)));
            }
        }
        RtspTransportMode transport;
        lock (_gate)
        {
            transport = _selector.Current;
            _mediaThisSession = false;
        }
        return new RtspPullOptions(Target.Uri)
        {
            AllowBasicAuth = Camera.Overrides.AllowPlainBasicAuth,
            FirstMediaTimeout = _selector.IsAutomatic && transport == RtspTransportMode.Udp && _settings.TransportFallback < _settings.MediaTimeout
                ? _settings.TransportFallback : null,
            UserName = Camera.Username,
            Password = Camera.Password,
            Transport = transport,
            PortOverride = Camera.Overrides.RtspPort,
            ConnectTimeout = _settings.ConnectTimeout,
            RequestTimeout = _settings.RequestTimeout,
            MediaTimeout = _settings.MediaTimeout,
            Time = _context.Time,
            Pool = _units.Buffers,
            Units = _units,
            UdpPorts = _ports,
            StartTimestamps = starts,
            AfterGap = afterGap,
        };
    }

    private IReadOnlyDictionary<int, long>? _lastTimestamps;

    private int ClockOf(int track)
    {
        foreach (var t in _tracks)
            if (t.Index == track) return t.ClockRate;
        return 90000;
    }

    private void AccumulateTotals(RtspPullSession session)
    {
        var snapshot = session.Snapshot();
        var timestamps = session.LastTimestamps();
        lock (_gate)
        {
            _packetsBefore += snapshot.Sum(t => t.PacketsReceived);
            _lostBefore += snapshot.Sum(t => t.PacketsLost);
            if (timestamps.Count > 0) _lastTimestamps = timestamps;
            _session = null;
        }
    }

    private void SessionEnded(RtspPullOutcome outcome)
    {
        bool wentOffline;
        lock (_gate)
        {
            _lastError = outcome.Message;
            _state = outcome.End == RtspPullEnd.Unauthorized ? "unauthorized" : "offline";
            wentOffline = _online != false;
            _online = false;
            if (outcome.Played && _gapFrom is null)
            {
                _gapFrom = _lastUnitAt == default ? _context.Time.GetUtcNow() : _lastUnitAt;
                _gapReason = outcome.Message;
                _gapAttempts = 0;
            }
        }
        if (wentOffline) _events?.Enqueue(new CameraWentOffline(Camera.Id, outcome.Message));
        ReportHealth();
    }

    /// <summary>The per-camera override wins ("auto" asks for automatic even when the default is fixed); null: automatic.</summary>
    private static RtspTransportMode? FixedTransportOf(CameraInfo camera, RtspPluginSettings settings) =>
        camera.Overrides.RtspTransport?.Trim().ToLowerInvariant() switch
        {
            "udp" => RtspTransportMode.Udp,
            "tcp" => RtspTransportMode.Tcp,
            "auto" => null,
            _ => settings.DefaultTransport,
        };

    /// <summary>The pull ends while the camera is away: the gap is published with an open end (it never closed).</summary>
    private async Task PublishOpenGapAsync()
    {
        StreamGapOccurred? gap = null;
        lock (_gate)
        {
            if (_gapFrom is { } from) gap = new StreamGapOccurred(Camera.Id, from, null, _gapReason ?? "stream interrupted", _gapAttempts);
            _gapFrom = null;
        }
        if (gap is null) return;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _context.Events.PublishAsync(gap, grace.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _context.Logger.Error(e, "camera {Camera}: publishing the open gap failed", Camera.Id);
        }
    }

    internal static string? Describe(SdpTrack track, IReadOnlyList<byte[]> parameters) =>
        VideoOf(track, parameters) is { } video ? $"{track.CodecName} {video.Width}x{video.Height}" : track.CodecName;

    /// <summary>The picture size from the track's parameter sets (SPS), when it is H.264 or H.265 and they parse.</summary>
    internal static VideoParameters? VideoOf(SdpTrack track, IReadOnlyList<byte[]> parameters)
    {
        VideoParameters? video = null;
        foreach (var set in parameters)
        {
            video ??= track.Codec == MediaCodec.H264 ? H264Sps.TryParse(set) : track.Codec == MediaCodec.H265 ? H265Sps.TryParse(set) : null;
        }
        return video;
    }
}
