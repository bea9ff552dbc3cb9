using System.Buffers;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// The RTSP ingest plugin: keeps exactly one pull per enabled camera that has a stream URI (and one more, on
/// demand, for a sub stream URI), restarts a pull when its camera's settings change, stops it when the camera is
/// removed or disabled.
/// </summary>
public sealed class RtspPlugin : IPlugin
{
    private readonly object _gate = new();
    private readonly Dictionary<string, CameraPull> _pulls = new(StringComparer.Ordinal);
    private readonly Func<double> _random;
    private readonly AccessUnitPool _units;
    private IPluginContext? _context;
    private RtspPluginSettings? _settings;
    private IRtpPortAllocator? _ports;
    private LearntTransports? _learnt;
    private IDisposable? _watch;
    private bool _stopping;

    public RtspPlugin() : this(Random.Shared.NextDouble, IngestBufferPool.Create())
    {
    }

    /// <summary>For tests: a seeded jitter source and a counting buffer pool (under this instance's unit pool).</summary>
    internal RtspPlugin(Func<double> random, ArrayPool<byte> pool)
    {
        _random = random;
        _units = new AccessUnitPool(pool);
    }

    /// <summary>The access units of every camera of this instance (one pool per plugin instance).</summary>
    internal AccessUnitPool Units => _units;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var read = RtspPluginSettings.From(context.Config);
        if (!read.IsOk) throw new InvalidOperationException($"appliance.rtsp configuration: {read.Failure!.Message}");
        var settings = read.Value;
        lock (_gate)
        {
            _context = context;
            _settings = settings;
            _ports = new UdpPortAllocator(context.Sockets, settings.UdpFirstPort, settings.UdpLastPort);
            _learnt = new LearntTransports(context.DataDirectory);
            _stopping = false;
        }
        _watch = context.Cameras.Watch(Reconcile);
        new ProbeRoute(this).Map(context.Http);
        context.Logger.Info("RTSP ingest started ({Transport} by default)", settings.DefaultTransport?.ToString() ?? "automatic transport");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _watch = null;
        List<CameraPull> pulls;
        lock (_gate)
        {
            _stopping = true;
            pulls = _pulls.Values.ToList();
            _pulls.Clear();
        }
        foreach (var pull in pulls) pull.Stop();
        await Task.WhenAll(pulls.Select(p => p.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _context = null;
            _ports = null;
            _settings = null;
        }
    }

    /// <summary>What a probe needs while the plugin runs (null once it stopped).</summary>
    internal (RtspPluginSettings Settings, IPluginContext Context, IRtpPortAllocator Ports)? ProbeSettings()
    {
        lock (_gate)
            return _stopping || _context is null || _settings is null || _ports is null ? null : (_settings, _context, _ports);
    }

    /// <summary>Live pulls by camera id, sub streams by <c>{id}/sub</c> (tests and diagnostics).</summary>
    internal IReadOnlyDictionary<string, CameraPull> Pulls
    {
        get { lock (_gate) return new Dictionary<string, CameraPull>(_pulls); }
    }

    private void Reconcile(IReadOnlyList<CameraInfo> cameras)
    {
        var start = new List<CameraPull>();
        IPluginContext context;
        lock (_gate)
        {
            if (_stopping || _context is null) return;
            context = _context;
            var wanted = new Dictionary<string, (CameraInfo Camera, PullTarget Target)>(StringComparer.Ordinal);
            foreach (var camera in cameras.Where(c => c.Enabled))
            {
                if (!string.IsNullOrWhiteSpace(camera.StreamUri)) Add(camera, PullTarget.Main(camera));
                if (!string.IsNullOrWhiteSpace(camera.Overrides.SubStreamUri)) Add(camera, PullTarget.Sub(camera));
            }
            foreach (var (key, pull) in _pulls.ToList())
            {
                if (wanted.TryGetValue(key, out var want) && want.Camera == pull.Camera) continue;
                pull.Stop();
                _pulls.Remove(key);
                if (want.Camera is not null) start.Add(NewPull(want.Camera, want.Target, previous: pull));
            }
            foreach (var (key, want) in wanted)
                if (!_pulls.ContainsKey(key) && start.All(p => p.Target.Key(p.Camera) != key)) start.Add(NewPull(want.Camera, want.Target, previous: null));
            foreach (var pull in start) _pulls[pull.Target.Key(pull.Camera)] = pull;

            void Add(CameraInfo camera, PullTarget target) => wanted[target.Key(camera)] = (camera, target);
        }
        foreach (var pull in start) context.RunBackground($"rtsp {pull.StreamName}", pull.RunAsync);
    }

    private CameraPull NewPull(CameraInfo camera, PullTarget target, CameraPull? previous) =>
        new(_context!, camera, target, _settings!, _ports!, _random, _units, previous, _learnt!);
}
