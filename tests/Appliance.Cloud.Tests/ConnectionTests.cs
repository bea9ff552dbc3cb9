using System.Text;
using Appliance.Cloud.Tests.Support;
using Appliance.CloudLink;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>The connection against a real mosquitto broker with TLS, required client certificates and an ACL.</summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-").FullName;
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;
    private readonly List<LinkStatus> _statuses = [];

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _broker = await MosquittoPeer.StartAsync(_pki, Path.Combine(_folder, "broker"));
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CloudConnection Connect(string device, TestPki trust, params BrokerAddress[] brokers) => Connect(device, trust, null, brokers);

    private CloudConnection Connect(string device, TestPki trust, DateTimeOffset? notAfter, params BrokerAddress[] brokers)
    {
        var (cert, key) = _pki.Client(device, notAfter);
        var tls = TlsMaterial.Load(trust.CaPath, cert, key).Value;
        var settings = new CloudLinkSettings(device, brokers.Length > 0 ? brokers : [new BrokerAddress("127.0.0.1", _broker.Port)], tls)
        {
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        var connection = new CloudConnection(settings, TimeProvider.System, new Random(1), (_, _) => Task.CompletedTask, s =>
        {
            lock (_statuses) _statuses.Add(s);
        });
        connection.Start();
        return connection;
    }

    [Fact]
    public async Task It_connects_with_mutual_TLS_and_leaves_a_retained_birth_that_an_independent_client_reads()
    {
        await using var connection = Connect("dev-1", _pki);
        await Eventually.UntilAsync(() => connection.IsConnected, "connected");
        Assert.Equal("MQTT 5", connection.Status.Protocol);
        var state = await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(10));
        Assert.Equal(CloudConnection.Online, state[0]);
    }

    [Fact]
    public async Task A_planned_stop_leaves_the_retained_state_offline()
    {
        var connection = Connect("dev-2", _pki);
        await Eventually.UntilAsync(() => connection.IsConnected, "connected");
        await connection.DisposeAsync();
        var state = await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-2/state", 1, TimeSpan.FromSeconds(10));
        Assert.Equal(CloudConnection.Offline, state[0]);
    }

    [Fact]
    public async Task A_broker_whose_certificate_is_not_from_the_fleet_CA_is_refused_with_the_reason()
    {
        using var stranger = TestPki.Create(Path.Combine(_folder, "stranger"), "stranger");
        await using var connection = Connect("dev-3", stranger);
        await Eventually.UntilAsync(() => { lock (_statuses) return _statuses.Any(s => s.Problem is not null && s.Problem.Contains("not issued by the fleet CA", StringComparison.Ordinal)); }, "refusal reported");
        Assert.False(connection.IsConnected);
        lock (_statuses) Assert.DoesNotContain(_statuses, s => s.Connected);
    }

    [Fact]
    public async Task An_expired_device_certificate_is_refused_by_the_broker_and_never_connects()
    {
        await using var connection = Connect("dev-expired", _pki, DateTimeOffset.UtcNow.AddDays(-1));
        await Eventually.UntilAsync(() => { lock (_statuses) return _statuses.Count(s => s.Problem is not null) >= 2; }, "refusals reported");
        Assert.False(connection.IsConnected);
        lock (_statuses) Assert.DoesNotContain(_statuses, s => s.Connected);
    }

    [Fact]
    public async Task Brokers_are_tried_in_turn_until_one_answers()
    {
        var closed = new BrokerAddress("127.0.0.1", FreePort.Tcp());
        await using var connection = Connect("dev-4", _pki, closed, new BrokerAddress("127.0.0.1", _broker.Port));
        await Eventually.UntilAsync(() => connection.IsConnected, "connected to the second broker");
        Assert.Equal(_broker.Port, connection.Status.Broker!.Port);
        lock (_statuses) Assert.Contains(_statuses, s => !s.Connected && s.Broker == closed);
    }

    [Fact]
    public async Task It_comes_back_by_itself_after_the_broker_restarts()
    {
        await using var connection = Connect("dev-5", _pki);
        await Eventually.UntilAsync(() => connection.IsConnected, "connected");
        await _broker.StopAsync();
        await Eventually.UntilAsync(() => !connection.IsConnected, "noticed the outage");
        var offline = await connection.PublishAsync("appliance/dev-5/events", "{}"u8.ToArray(), retain: false, CancellationToken.None);
        Assert.Equal("offline", offline.Failure!.Code);
        await _broker.StartAsync();
        await Eventually.UntilAsync(() => connection.IsConnected, "reconnected", TimeSpan.FromSeconds(20));
        Assert.True((await connection.PublishAsync("appliance/dev-5/events", "{}"u8.ToArray(), retain: false, CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task The_broker_ACL_keeps_a_device_out_of_another_devices_topics()
    {
        await using var connection = Connect("dev-6", _pki);
        await Eventually.UntilAsync(() => connection.IsConnected, "connected");
        await using var fleet = await FleetClient.ConnectAsync(_pki, _broker.Port);
        await fleet.SubscribeAsync("appliance/dev-7/#");
        var result = await connection.PublishAsync("appliance/dev-7/events", Encoding.UTF8.GetBytes("{\"x\":1}"), retain: false, CancellationToken.None);
        await Task.Delay(500);
        Assert.Empty(fleet.Received);
        if (!result.IsOk) Assert.Equal("refused", result.Failure!.Code);
    }

    [Fact]
    public async Task An_unreadable_CA_or_key_is_a_clear_provisioning_error()
    {
        var bad = Path.Combine(_folder, "bad.pem");
        await File.WriteAllTextAsync(bad, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var (cert, key) = _pki.Client("dev-8");
        Assert.Equal("malformed", TlsMaterial.Load(bad, cert, key).Failure!.Code);
        Assert.Equal("not-provisioned", TlsMaterial.Load(Path.Combine(_folder, "missing.pem"), cert, key).Failure!.Code);
        Assert.Equal("not-provisioned", TlsMaterial.Load(_pki.CaPath, null, key).Failure!.Code);
        Assert.Equal("malformed", TlsMaterial.Load(_pki.CaPath, cert, bad).Failure!.Code);
    }

    [Theory]
    [InlineData(null, "appliance/dev-9/responses")]
    [InlineData("appliance/dev-9/responses", "appliance/dev-9/responses")]
    [InlineData("appliance/dev-9/responses/worker-3", "appliance/dev-9/responses/worker-3")]
    [InlineData("appliance/dev-8/responses/worker-3", "appliance/dev-9/responses")]
    [InlineData("appliance/dev-9/responsesX", "appliance/dev-9/responses")]
    [InlineData("appliance/dev-9/responses/#", "appliance/dev-9/responses")]
    [InlineData("fleet/replies", "appliance/dev-9/responses")]
    public async Task A_response_topic_outside_the_devices_own_is_not_used(string? requested, string used)
    {
        await using var connection = Connect("dev-9", _pki);
        Assert.Equal(used, connection.ResponseTopicFor(requested));
    }
}
