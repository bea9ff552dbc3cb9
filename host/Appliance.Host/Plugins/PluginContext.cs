using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Services;
using Appliance.Host.Plugins.Services;
using Appliance.Abstractions.Media;
using Appliance.Host.Cameras;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Isolation.Bridge;

namespace Appliance.Host.Plugins;

/// <summary>
/// What one running plugin instance is handed. Owns everything the plugin acquired through it
/// (subscriptions, watches, sockets, routes, background loops) and releases it all at stop, so no
/// reference into the host outlives the plugin.
/// </summary>
internal sealed class PluginContext : IPluginContext, IAsyncDisposable
{
    private readonly PluginEventBus _events;
    private readonly PluginCameraDirectory _cameras;
    private readonly DeclaredSockets _sockets;
    private readonly PluginHttpSurface _routes;
    private readonly BackgroundLoops _background;

    public PluginContext(
        string pluginId,
        JsonElement config,
        ILogger logger,
        string dataDirectory,
        OutboxEventBus bus,
        HealthRegistry health,
        IStreamHub streams,
        CameraStore cameras,
        IReadOnlyList<DeclaredPort> declaredPorts,
        IReadOnlyList<Appliance.Core.Manifest.RouteDeclaration> routeDeclarations,
        PluginHostServices services,
        IReadOnlyCollection<string> digestRealms,
        TimeProvider time,
        Action<string, Exception> onBackgroundCrash,
        Action<string, string>? onUnhealthy = null)
    {
        PluginId = pluginId;
        Config = config;
        Logger = new PluginLogger(logger);
        DataDirectory = dataDirectory;
        _events = new PluginEventBus(bus, pluginId);
        Health = new PluginHealthReporter(health, pluginId, onUnhealthy);
        Streams = streams;
        _cameras = new PluginCameraDirectory(cameras);
        _sockets = new DeclaredSockets(pluginId, declaredPorts);
        _routes = new PluginHttpSurface(pluginId, routeDeclarations);
        HostSettings = services.Settings;
        Secrets = services.Secrets.For(pluginId);
        Users = services.UsersFor(digestRealms);
        Metrics = services.MetricsFor(pluginId);
        NamedEvents = services.NamedEventsFor(pluginId, _events);
        DataUse = services.DataUseFor(pluginId);
        Time = time;
        _background = new BackgroundLoops(onBackgroundCrash);
    }

    public string PluginId { get; }

    public JsonElement Config { get; }

    public IPluginLogger Logger { get; }

    public string DataDirectory { get; }

    public IEventBus Events => _events;

    public IHealthReporter Health { get; }

    public IRouteRegistry Routes => _routes;

    public IHttpSurface Http => _routes;

    public IHostSettings HostSettings { get; }

    public IPluginSecrets Secrets { get; }

    public IUserVerifier Users { get; }

    public IPluginMetrics Metrics { get; }

    public INamedEvents NamedEvents { get; }

    public IDataUse DataUse { get; }

    public IDeclaredSockets Sockets => _sockets;

    public IStreamHub Streams { get; }

    public ICameraDirectory Cameras => _cameras;

    public TimeProvider Time { get; }

    internal IReadOnlyList<PluginRoute> MappedRoutes => _routes.Snapshot();

    public void RunBackground(string name, Func<CancellationToken, Task> loop) => _background.Run(name, loop);

    /// <summary>Cancels the background loops and waits for them; returns the names of loops that did not end in time.</summary>
    public Task<IReadOnlyList<string>> StopBackgroundAsync(TimeSpan timeout) => _background.StopAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _background.Dispose();
        await _events.DisposeAsync();
        _cameras.Dispose();
        _sockets.Dispose();
        _routes.Clear();
    }
}
