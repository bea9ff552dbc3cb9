using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;
using Appliance.Streams;

namespace Appliance.Plugins.WebRtc.Plugin.Tests.Support;

/// <summary>What the host gives the plugin, with a real stream hub and a route table the test calls directly.</summary>
internal sealed class PluginContextDouble : IPluginContext, IHttpSurface, IDeclaredSockets, IHostSettings, IAsyncDisposable
{
    private readonly ConcurrentBag<Task> _loops = new();
    private readonly CancellationTokenSource _stop = new();

    public PluginContextDouble(string configJson) => Config = JsonDocument.Parse(configJson).RootElement.Clone();

    public Dictionary<(string Method, string Template), PluginStreamHandler> Handlers { get; } = new();
    public List<int> BoundPorts { get; } = new();
    public string PluginId => "appliance.webrtc";
    public JsonElement Config { get; }
    public IPluginLogger Logger { get; } = new NullLogger();
    public string DataDirectory => Path.GetTempPath();
    public IEventBus Events => throw new NotSupportedException();
    public IHealthReporter Health => throw new NotSupportedException();
    public IRouteRegistry Routes => throw new NotSupportedException();
    public IDeclaredSockets Sockets => this;
    public StreamHub Hub { get; } = new();
    public IStreamHub Streams => Hub;
    public ICameraDirectory Cameras => throw new NotSupportedException();
    public TimeProvider Time => TimeProvider.System;
    public IHttpSurface Http => this;
    public IHostSettings HostSettings => this;
    public HostSettingsSnapshot Current => new(8443, null, null, [], null, [], []);
    public string BasePath => "/plugins/appliance.webrtc";
    public IReadOnlyList<DeclaredPort> Declared => [new(SocketTransport.Udp, 52000, 52999, "media")];

    public void RunBackground(string name, Func<CancellationToken, Task> loop) => _loops.Add(Task.Run(() => loop(_stop.Token)));

    public void Map(string method, string template, PluginStreamHandler handler) => Handlers.Add((method, template), handler);

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128) => throw new UndeclaredPortException("no TCP");

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        if (port is < 52000 or > 52999) throw new UndeclaredPortException($"UDP {port} is not declared");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address ?? IPAddress.Any, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        lock (BoundPorts) BoundPorts.Add(port);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class NullLogger : IPluginLogger
    {
        public bool IsEnabled(PluginLogLevel level) => false;

        public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args)
        {
        }
    }
}
