global using Appliance.Plugins.Rtsp.Tests.Shared;
global using Appliance.Testing;
global using Appliance.Testing.Plugins;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Streams;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>The plugin started against a <see cref="PluginContextDouble"/> with a real <see cref="StreamHub"/>; stopped and checked on dispose.</summary>
public sealed class PluginRig : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private PluginRig(PluginContextDouble context, StreamHub hub, CamerasDouble cameras, RtspPlugin plugin, CountingPool pool)
    {
        Context = context;
        Hub = hub;
        Cameras = cameras;
        Plugin = plugin;
        Pool = pool;
    }

    public PluginContextDouble Context { get; }
    public StreamHub Hub { get; }
    public CamerasDouble Cameras { get; }
    public RtspPlugin Plugin { get; }
    public CountingPool Pool { get; }
    public bool Stopped { get; private set; }

    /// <summary>Fast reconnects and health sampling so faults show within seconds.</summary>
    public const string FastConfig =
        """{"reconnect":{"initialSeconds":0.2,"maxSeconds":1},"mediaTimeoutSeconds":2,"connectTimeoutSeconds":2,"requestTimeoutSeconds":3,"healthIntervalSeconds":0.5}""";

    public static Task<PluginRig> StartAsync(string config = FastConfig, IReadOnlyList<DeclaredPort>? declared = null, params CameraInfo[] cameras) =>
        StartWithAsync(_ => { }, config, declared, cameras);

    /// <summary>Like <see cref="StartAsync"/>, with <paramref name="prepare"/> run on the context first (e.g. to seed its data directory).</summary>
    public static async Task<PluginRig> StartWithAsync(Action<PluginContextDouble> prepare, string config, IReadOnlyList<DeclaredPort>? declared, params CameraInfo[] cameras)
    {
        var hub = new StreamHub();
        var directory = new CamerasDouble();
        var context = new PluginContextDouble(config, pluginId: "appliance.rtsp")
        {
            StreamHub = hub,
            CameraDirectory = directory,
            DeclaredSockets = new LoopbackSocketsDouble(declared ?? [new DeclaredPort(SocketTransport.Udp, 50000, 50999, "RTP/RTCP")]),
        };
        prepare(context);
        directory.Set(cameras);
        var pool = new CountingPool();
        var plugin = new RtspPlugin(new Random(1).NextDouble, pool);
        await plugin.StartAsync(context, CancellationToken.None);
        return new PluginRig(context, hub, directory, plugin, pool);
    }

    public static CameraInfo Camera(string id, string url, string? user = null, string? password = null, CameraOverrides? overrides = null) =>
        new(id, id, true, url, null, user, password, overrides ?? new CameraOverrides());

    public async Task StopAsync()
    {
        if (Stopped) return;
        Stopped = true;
        await Plugin.StopAsync(CancellationToken.None).WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Context.DisposeAsync();
    }

    public static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience);
}

/// <summary>A hub subscriber that copies what it reads (timestamp, keyframe, after-gap) and releases each unit.</summary>
public sealed class Reader : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<(int Track, long Timestamp, bool Key, bool AfterGap, byte[] Data)> _units = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;

    public Reader(IStreamSubscription subscription, int delayMs = 0)
    {
        Subscription = subscription;
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var unit = await subscription.ReadAsync(_cts.Token);
                    lock (_gate) _units.Add((unit.Track, unit.Timestamp, unit.IsKeyframe, unit.AfterGap, unit.Payload.ToArray()));
                    unit.Release();
                    if (delayMs > 0) await Task.Delay(delayMs, _cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
    }

    public IStreamSubscription Subscription { get; }

    public List<(int Track, long Timestamp, bool Key, bool AfterGap, byte[] Data)> Units
    {
        get { lock (_gate) return _units.ToList(); }
    }

    public int Count(int track = 0)
    {
        lock (_gate) return _units.Count(u => u.Track == track);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        Subscription.Dispose();
    }
}
