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
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(string Name, Task Task)> _background = [];
    private readonly object _gate = new();
    private readonly Action<string, Exception> _onBackgroundCrash;

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
        _onBackgroundCrash = onBackgroundCrash;
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

    public void RunBackground(string name, Func<CancellationToken, Task> loop)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(loop);
        var token = _stopping.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await loop(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                if (!token.IsCancellationRequested) _onBackgroundCrash(name, ex);
            }
        }, CancellationToken.None);
        lock (_gate) _background.Add((name, task));
    }

    /// <summary>Cancels the background loops and waits for them; returns the names of loops that did not end in time.</summary>
    public async Task<IReadOnlyList<string>> StopBackgroundAsync(TimeSpan timeout)
    {
        await _stopping.CancelAsync();
        (string Name, Task Task)[] loops;
        lock (_gate) loops = _background.ToArray();
        try
        {
            await Task.WhenAll(loops.Select(l => l.Task)).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
        }
        return loops.Where(l => !l.Task.IsCompleted).Select(l => l.Name).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync();
        await _events.DisposeAsync();
        _cameras.Dispose();
        _sockets.Dispose();
        _routes.Clear();
        lock (_gate) _background.Clear();
        _stopping.Dispose();
    }
}
