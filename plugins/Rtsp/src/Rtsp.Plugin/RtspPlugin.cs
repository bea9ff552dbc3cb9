using System.Buffers;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// The RTSP ingest plugin: keeps exactly one pull per enabled camera that has a stream URI, restarts a pull
/// when its camera's settings change, stops it when the camera is removed or disabled.
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

    /// <summary>Live pulls by camera id (tests and diagnostics).</summary>
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
            var wanted = cameras.Where(c => c.Enabled && !string.IsNullOrWhiteSpace(c.StreamUri)).ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var (id, pull) in _pulls.ToList())
            {
                if (wanted.TryGetValue(id, out var camera) && camera == pull.Camera) continue;
                pull.Stop();
                _pulls.Remove(id);
                if (camera is not null) start.Add(NewPull(camera, previous: pull));
            }
            foreach (var camera in wanted.Values)
                if (!_pulls.ContainsKey(camera.Id) && start.All(p => p.Camera.Id != camera.Id)) start.Add(NewPull(camera, previous: null));
            foreach (var pull in start) _pulls[pull.Camera.Id] = pull;
        }
        foreach (var pull in start) context.RunBackground($"rtsp camera/{pull.Camera.Id}", pull.RunAsync);
    }

    private CameraPull NewPull(CameraInfo camera, CameraPull? previous) =>
        new(_context!, camera, _settings!, _ports!, _random, _units, previous, _learnt!);
}
