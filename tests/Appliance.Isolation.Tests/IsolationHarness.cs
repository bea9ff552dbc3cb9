using Appliance.Host.Plugins.Services;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Appliance.Abstractions.Media;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Appliance.Isolation.Supervision;
using Appliance.Streams;
using Appliance.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Isolation.Tests;

/// <summary>
/// The host side for real: a real plugin manager (SQLite outbox, stream hub, isolation supervisor) in this test
/// process, whose pid is "the host's pid"; isolated plugins run as real plugin-host child processes.
/// </summary>
public sealed class IsolationHarness : IAsyncDisposable
{
    private IsolationHarness(string dataDirectory, ApplianceOptions options, IPluginProcessLauncher? launcher)
    {
        DataDirectory = dataDirectory;
        Database = new Database(Path.Combine(dataDirectory, "appliance.db"));
        Database.Migrate();
        Bus = new OutboxEventBus(Database, NullLogger<OutboxEventBus>.Instance, TimeProvider.System);
        Health = new HealthRegistry(TimeProvider.System);
        Routes = new PluginRouteTable();
        var cameras = new CameraStore(Database, new SecretBox(Path.Combine(dataDirectory, "secrets", "secret.key")), TimeProvider.System);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        Manager = new PluginManager(
            wrapped, new PluginFolders(dataDirectory), new PluginStateStore(Database, TimeProvider.System),
            new McMasterPluginLoader(), Bus, Health, Hub, cameras, Routes, new HostFootprint(options),
            NullLoggerFactory.Instance, TimeProvider.System,
            PluginHostServices.Create(options, Database, new SecretBox(Path.Combine(dataDirectory, "secrets", "secret.key")), Bus),
            new IsolatedPluginLoader(wrapped, launcher ?? new ChildProcessLauncher()));
    }

    public string DataDirectory { get; }

    public Database Database { get; }

    public OutboxEventBus Bus { get; }

    public HealthRegistry Health { get; }

    public PluginRouteTable Routes { get; }

    public StreamHub Hub { get; } = new();

    public PluginManager Manager { get; }

    public static async Task<IsolationHarness> StartAsync(Dictionary<string, IsolationOverride>? overrides = null, IPluginProcessLauncher? launcher = null,
        double startTimeoutSeconds = 30, double pingTimeoutSeconds = 5)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("appl-iso-").FullName;
        var options = new ApplianceOptions
        {
            DataDirectory = dataDirectory,
            BundledPluginsDirectory = null,
            Plugins = new PluginHostOptions
            {
                StartTimeoutSeconds = startTimeoutSeconds,
                StopTimeoutSeconds = 5,
                WatchDirectory = false,
                AllowUnsigned = true,
                Isolation = new IsolationSettings { Plugins = overrides ?? new(StringComparer.Ordinal), PingTimeoutSeconds = pingTimeoutSeconds },
            },
        };
        var harness = new IsolationHarness(dataDirectory, options, launcher);
        await harness.Manager.StartAllAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>The build output of a project of this repository (same configuration as the tests).</summary>
    public static string BuildOutput(params string[] projectFolder)
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine([RepoPaths.Root, .. projectFolder, "bin", configuration, "net10.0"]);
    }

    /// <summary>Installs the isolation probe (isolated) reading <paramref name="stream"/>.</summary>
    public Task<Appliance.Abstractions.Result<PluginStatus>> InstallProbeAsync(string id, string stream, string publishAs = "", string isolation = "process", string also = "")
    {
        var manifest = new JsonObject
        {
            ["id"] = id,
            ["version"] = "1.0.0",
            ["kind"] = "integration",
            ["name"] = "Isolation probe",
            ["hostApi"] = "1.0",
            ["entryAssembly"] = "Appliance.TestPlugins.IsolationProbe.dll",
            ["isolation"] = isolation,
            ["config"] = new JsonObject
            {
                ["stream"] = new JsonObject { ["type"] = "string", ["default"] = stream, ["description"] = "stream to read" },
                ["publishAs"] = new JsonObject { ["type"] = "string", ["default"] = publishAs, ["description"] = "republish as" },
                ["also"] = new JsonObject { ["type"] = "string", ["default"] = also, ["description"] = "more streams to read" },
            },
        };
        return InstallAsync(BuildOutput("tests", "TestPlugins", "IsolationProbe"), manifest.ToJsonString());
    }

    public Task<Appliance.Abstractions.Result<PluginStatus>> InstallFolderAsync(string folder) =>
        InstallAsync(folder, File.ReadAllText(Path.Combine(folder, "plugin.json")));

    private async Task<Appliance.Abstractions.Result<PluginStatus>> InstallAsync(string buildFolder, string manifest)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(buildFolder))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith("Appliance.Abstractions.", StringComparison.Ordinal) || name == "plugin.json") continue;
                zip.CreateEntryFromFile(file, name);
            }
            await using var entry = zip.CreateEntry("plugin.json").Open();
            await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(manifest));
        }
        buffer.Position = 0;
        return await Manager.InstallPackageAsync(buffer, CancellationToken.None);
    }

    /// <summary>Calls a plugin route the way the HTTP endpoint does; null when it is not mapped.</summary>
    public async Task<string?> CallAsync(string pluginId, string path)
    {
        if (!Routes.TryMatch(pluginId, "GET", path, out var route, out var values) || route is null) return null;
        var request = new Appliance.Abstractions.Http.PluginStreamRequest("GET", "/" + path,
            values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""), new Dictionary<string, string>(), new Dictionary<string, string>(),
            null, Stream.Null, new Appliance.Abstractions.Http.PluginCaller("test", Appliance.Abstractions.UserRole.Admin), "127.0.0.1");
        var response = await route.Handler(request, CancellationToken.None);
        if (response.StatusCode != 200) return null;
        using var body = new MemoryStream();
        if (response.Body is { } write) await write(body, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    /// <summary>What the manager and the health registry say of a plugin, for a failure message.</summary>
    public string Describe(string id)
    {
        var status = Manager.Get(id);
        var health = string.Join("; ", Health.All().Where(h => h.Owner == id).Select(h => $"{h.Report.Component}={h.Report.State}: {h.Report.Message}"));
        return $"{id}: {status?.ToString() ?? "not installed"}; health: {(health.Length == 0 ? "none" : health)}";
    }

    /// <summary>"pid received gaps" of a probe, or null while it does not answer.</summary>
    public async Task<(int Pid, long Received, long Gaps)?> ProbeStatusAsync(string id)
    {
        var text = await CallAsync(id, "status");
        if (text is null) return null;
        var parts = text.Split(' ');
        return (int.Parse(parts[0]), long.Parse(parts[1]), long.Parse(parts[2]));
    }

    public string PluginData(string id) => Path.Combine(DataDirectory, "plugin-data", id);

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Bus.DisposeAsync();
    }

    /// <summary>Polls until <paramref name="done"/> holds (generous deadline: the machine is shared); a timeout's message adds <paramref name="diagnostics"/>.</summary>
    public static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 60, string? what = null, Func<string>? diagnostics = null) =>
        Testing.Eventually.ValueAsync(read, done, what ?? "condition", TimeSpan.FromSeconds(seconds), diagnostics, interval: TimeSpan.FromMilliseconds(20));
}

/// <summary>Synthetic 1080p H.264-like access units at 25 fps (keyframe every 50, ~4 Mbit/s) with a sequence number
/// in the first 4 bytes, and an in-process consumer that counts sequence gaps.</summary>
public sealed class SyntheticCamera : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private readonly Task _consumer;
    private readonly AccessUnitPool _pool = new(ArrayPool<byte>.Shared);

    public SyntheticCamera(IStreamHub hub, string name, double fps = 25, bool consume = true)
    {
        var publisher = hub.Publish(new StreamDescriptor(name, [new MediaTrack(0, MediaCodec.H264, 90000, "avc1.640028", [])]));
        var subscription = hub.Subscribe(name, 1024);
        _writer = Task.Run(async () =>
        {
            using var _ = publisher;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / fps));
            var n = 0;
            var payload = new byte[200_000];
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    var key = n % 50 == 0;
                    var size = UnitSize(n);
                    var unit = _pool.Rent(size, 0, n * 3600L, key);
                    BinaryPrimitives.WriteInt32LittleEndian(payload, n);
                    unit.Append(payload.AsSpan(0, size));
                    publisher.Write(unit);
                    Interlocked.Exchange(ref _written, ++n);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        if (!consume)
        {
            subscription.Dispose();
            _consumer = Task.CompletedTask;
            return;
        }
        _consumer = Task.Run(async () =>
        {
            using var _ = subscription;
            var last = -1;
            try
            {
                while (true)
                {
                    var unit = await subscription.ReadAsync(_stop.Token);
                    var seq = BinaryPrimitives.ReadInt32LittleEndian(unit.Payload.Span);
                    unit.Release();
                    if (last >= 0 && seq != last + 1) Interlocked.Increment(ref _gaps);
                    last = seq;
                    Interlocked.Increment(ref _consumed);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private long _written;
    private long _consumed;
    private long _gaps;

    /// <summary>A 2 s GOP at ~4 Mbit/s: a 120 kB keyframe, then 49 P-frames of ~18 kB.</summary>
    public static int UnitSize(int n) => n % 50 == 0 ? 120_000 : 18_000 + (n % 7) * 100;

    public long Written => Interlocked.Read(ref _written);

    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Sequence gaps the in-process consumer saw.</summary>
    public long Gaps => Interlocked.Read(ref _gaps);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writer, _consumer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
