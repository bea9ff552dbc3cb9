using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>
/// The <see cref="IPluginContext"/> an isolated plugin gets: the same contract, every call forwarded to the host.
/// Background loops run here; one that throws is reported to the host, which quarantines the plugin as it would
/// an in-process one.
/// </summary>
internal sealed class RemoteContext : IPluginContext, IAsyncDisposable
{
    private readonly HostLink _host;
    private readonly BackgroundLoops _background;
    private readonly RemoteEvents _events;
    private readonly RemoteStreamHub _streams;

    public RemoteContext(HostLink host, StartArgs start, string ringFolder)
    {
        _host = host;
        _background = new BackgroundLoops((name, ex) => host.Notify(Ops.BackgroundCrashed, new BackgroundCrashArgs(name, $"{ex.GetType().Name}: {ex.Message}")));
        PluginId = start.PluginId;
        Config = start.Config.Clone();
        DataDirectory = start.DataDirectory;
        Logger = new RemoteLogger(host);
        _events = new RemoteEvents(host);
        Health = new RemoteHealth(host);
        RemoteRoutes = new RemoteRoutes(host);
        Sockets = new RemoteSockets(host, start.Declared);
        _streams = new RemoteStreamHub(host, ringFolder, why => host.Notify(Ops.BackgroundCrashed, new BackgroundCrashArgs("stream import", why)));
        RemoteCameras = new RemoteCameras(host, start.Cameras);
        RemoteHttp = new RemoteHttp(host, start.HttpBasePath ?? "/plugins/" + start.PluginId);
    }

    public string PluginId { get; }

    public JsonElement Config { get; }

    public IPluginLogger Logger { get; }

    public string DataDirectory { get; }

    public IEventBus Events => _events;

    public IHealthReporter Health { get; }

    public IRouteRegistry Routes => RemoteRoutes;

    public IDeclaredSockets Sockets { get; }

    public IStreamHub Streams => _streams;

    public ICameraDirectory Cameras => RemoteCameras;

    public TimeProvider Time => TimeProvider.System;

    public IHostSettings HostSettings => new RemoteSettings(_host);

    public IPluginSecrets Secrets => new RemoteSecrets(_host);

    public IUserVerifier Users => new RemoteUsers(_host);

    public IPluginMetrics Metrics => new RemoteMetrics(_host);

    public IDataUse DataUse => new RemoteDataUse(_host);

    public INamedEvents NamedEvents => _events;

    /// <summary>Routes mapped on the host; requests and both bodies travel as HTTP frames (<see cref="RemoteHttp"/>).</summary>
    public IHttpSurface Http => RemoteHttp;

    internal RemoteHttp RemoteHttp { get; }

    internal RemoteRoutes RemoteRoutes { get; }

    internal RemoteCameras RemoteCameras { get; }

    internal RemoteEvents RemoteEvents => _events;

    internal RemoteStreamHub RemoteStreams => _streams;

    public void RunBackground(string name, Func<CancellationToken, Task> loop) => _background.Run(name, loop);

    public async ValueTask DisposeAsync()
    {
        RemoteHttp.Dispose();
        await _background.StopAsync(TimeSpan.FromSeconds(5));
        _background.Dispose();
        await _streams.DisposeAsync();
    }
}
