using Appliance.Cloud.Tests.Support;
using Appliance.CloudLink;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>
/// A site that allows only HTTPS through its proxy: the link reaches the broker as MQTT over TLS WebSockets
/// (<c>wss://</c>) through an HTTP CONNECT proxy (tinyproxy), with the same mutual TLS; mosquitto's websockets
/// listener is the broker, mosquitto_sub (plain MQTT over TLS) the independent reader.
/// </summary>
public sealed class WebSocketProxyTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-ws-").FullName;
    private readonly int _webSocketPort = FreePort.Tcp();
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _broker = await MosquittoPeer.StartAsync(_pki, Path.Combine(_folder, "broker"), webSocketPort: _webSocketPort);
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CloudConnection Connect(string device, Uri? proxy, List<LinkStatus> statuses)
    {
        var (cert, key) = _pki.Client(device);
        var settings = new CloudLinkSettings(device, [BrokerAddress.Parse($"wss://127.0.0.1:{_webSocketPort}/mqtt").Value], TlsMaterial.Load(_pki.CaPath, cert, key).Value)
        {
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Proxy = proxy,
        };
        var connection = new CloudConnection(settings, TimeProvider.System, new Random(1), (_, _) => Task.CompletedTask, s =>
        {
            lock (statuses) statuses.Add(s);
        });
        connection.Start();
        return connection;
    }

    [Fact]
    public async Task Through_a_connect_proxy_over_websockets_the_link_comes_online_with_its_birth()
    {
        using var proxy = await Tinyproxy.StartAsync(_folder, connectPorts: [_webSocketPort]);
        var statuses = new List<LinkStatus>();
        await using var connection = Connect("dev-ws1", proxy.Uri, statuses);
        await Eventually.UntilAsync(() => connection.IsConnected, "connected over wss through the proxy", TimeSpan.FromSeconds(30), () => proxy.Log + _broker.Log);
        Assert.Equal($"wss://127.0.0.1:{_webSocketPort}/mqtt", connection.Status.Broker?.ToString());
        var state = await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-ws1/state", 1, TimeSpan.FromSeconds(10));
        Assert.Equal(CloudConnection.Online, state[0]);
        Assert.Contains($"127.0.0.1:{_webSocketPort}", proxy.Log);
    }

    [Fact]
    public async Task A_proxy_that_refuses_the_port_leaves_the_link_offline_with_the_reason()
    {
        using var proxy = await Tinyproxy.StartAsync(_folder, connectPorts: [443]);
        var statuses = new List<LinkStatus>();
        await using var connection = Connect("dev-ws2", proxy.Uri, statuses);
        await Eventually.UntilAsync(() => { lock (statuses) return statuses.Any(s => !s.Connected && s.Problem is not null); }, "a failed attempt reported");
        Assert.False(connection.IsConnected);
        LinkStatus failed;
        lock (statuses) failed = statuses.Last(s => s.Problem is not null);
        Assert.Contains("wss://", failed.Problem);
    }

    [Theory]
    [InlineData("wss://mqtt.fleet.example/mqtt", "mqtt.fleet.example", 443, "/mqtt")]
    [InlineData("wss://10.0.0.5:8443/", "10.0.0.5", 8443, "/")]
    [InlineData("wss://[fd00::5]:9443/ws?x=1", "fd00::5", 9443, "/ws?x=1")]
    public void Websocket_brokers_are_read_with_their_defaults(string text, string host, int port, string path)
    {
        var broker = BrokerAddress.Parse(text).Value;
        Assert.Equal(new BrokerAddress(host, port, path), broker);
        Assert.True(broker.IsWebSocket);
    }

    [Theory]
    [InlineData("ws://mqtt.fleet.example/mqtt", "only wss://")]
    [InlineData("https://mqtt.fleet.example/", "only wss://")]
    [InlineData("wss://user:pw@mqtt.fleet.example/", "credentials")]
    [InlineData("wss://mqtt.fleet.example/a#frag", "fragment")]
    [InlineData("wss://", "not a URL")]
    public void Bad_websocket_brokers_are_refused_with_the_reason(string text, string reason)
    {
        var broker = BrokerAddress.Parse(text);
        Assert.False(broker.IsOk);
        Assert.Contains(reason, broker.Failure!.Message);
    }
}
