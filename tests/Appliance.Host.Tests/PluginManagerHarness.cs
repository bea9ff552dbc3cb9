using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Appliance.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Tests;

/// <summary>A real plugin manager (McMaster loader, SQLite, outbox) on a temp data directory, without Kestrel.</summary>
public sealed class PluginManagerHarness : IAsyncDisposable
{
    private PluginManagerHarness(string dataDirectory, ApplianceOptions options)
    {
        DataDirectory = dataDirectory;
        Options = options;
        Database = new Database(Path.Combine(dataDirectory, "appliance.db"));
        Database.Migrate();
        Bus = new OutboxEventBus(Database, NullLogger<OutboxEventBus>.Instance, TimeProvider.System);
        Health = new HealthRegistry(TimeProvider.System);
        Routes = new PluginRouteTable();
        Folders = new PluginFolders(dataDirectory);
        var box = new SecretBox(Path.Combine(dataDirectory, "secrets", "secret.key"));
        var cameras = new CameraStore(Database, box, TimeProvider.System);
        var services = Appliance.Host.Plugins.Services.PluginHostServices.Create(options, Database, box, Bus);
        Manager = new PluginManager(
            Microsoft.Extensions.Options.Options.Create(options), Folders, new PluginStateStore(Database, TimeProvider.System),
            new McMasterPluginLoader(), Bus, Health, new StreamHub(), cameras, Routes, new HostFootprint(options),
            NullLoggerFactory.Instance, TimeProvider.System, services);
    }

    public string DataDirectory { get; }

    public ApplianceOptions Options { get; }

    public Database Database { get; }

    public OutboxEventBus Bus { get; }

    public HealthRegistry Health { get; }

    public PluginRouteTable Routes { get; }

    public PluginFolders Folders { get; }

    public PluginManager Manager { get; }

    public static async Task<PluginManagerHarness> StartAsync(string? dataDirectory = null, double startTimeoutSeconds = 3)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("appl-pm-").FullName;
        var options = new ApplianceOptions
        {
            DataDirectory = dataDirectory,
            BundledPluginsDirectory = null,
            Plugins = new PluginHostOptions { StartTimeoutSeconds = startTimeoutSeconds, StopTimeoutSeconds = 3, WatchDirectory = false, AllowUnsigned = true },
        };
        var harness = new PluginManagerHarness(dataDirectory, options);
        await harness.Manager.StartAllAsync(CancellationToken.None);
        return harness;
    }

    public async Task<Appliance.Abstractions.Result<PluginStatus>> InstallAsync(byte[] zip)
    {
        using var stream = new MemoryStream(zip);
        return await Manager.InstallPackageAsync(stream, CancellationToken.None);
    }

    /// <summary>Calls a plugin route the way the HTTP endpoint does.</summary>
    public async Task<string?> CallAsync(string pluginId, string path)
    {
        if (!Routes.TryMatch(pluginId, "GET", path, out var route, out var values) || route is null) return null;
        var request = new Appliance.Abstractions.Http.PluginStreamRequest("GET", $"/plugins/{pluginId}/{path}",
            values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""), new Dictionary<string, string>(), new Dictionary<string, string>(),
            null, Stream.Null, new Appliance.Abstractions.Http.PluginCaller("test", Appliance.Abstractions.UserRole.Admin), null);
        var response = await route.Handler(request, CancellationToken.None);
        using var body = new MemoryStream();
        if (response.Body is not null) await response.Body(body, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Bus.DisposeAsync();
    }
}
