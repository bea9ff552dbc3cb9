using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;
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
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly object _gate = new();
    private readonly RemoteEvents _events;
    private readonly RemoteStreamHub _streams;

    public RemoteContext(HostLink host, StartArgs start, string ringFolder)
    {
        _host = host;
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
                if (!token.IsCancellationRequested)
                    _host.Notify(Ops.BackgroundCrashed, new BackgroundCrashArgs(name, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }, CancellationToken.None);
        lock (_gate) _background.Add(task);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        RemoteHttp.Dispose();
        Task[] loops;
        lock (_gate) loops = _background.ToArray();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _streams.DisposeAsync();
    }
}
