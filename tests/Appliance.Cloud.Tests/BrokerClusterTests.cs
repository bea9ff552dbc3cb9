using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;
using MQTTnet.Formatter;

namespace Appliance.Cloud.Tests;

/// <summary>
/// The "existing broker cluster" case: a three-node nats-server cluster with JetStream and its MQTT listener (MQTT
/// 3.1.1 only, so the link falls back from 5). The appliance is connected to one node, that node is killed, and the
/// appliance goes on through another with no event lost.
/// </summary>
public sealed class BrokerClusterTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-nats-").FullName;
    private TestPki _pki = null!;
    private NatsClusterPeer _cluster = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _cluster = await NatsClusterPeer.StartAsync(_pki, Path.Combine(_folder, "nats"));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_killed_cluster_node_loses_no_event()
    {
        var ports = _cluster.MqttPorts;
        // The fleet reads from the third node with a persistent session, so nothing is missed while it waits.
        // JetStream elects its leaders first: until then the connection is refused (a refusal counts as "not yet").
        FleetClient? connected = null;
        await Eventually.UntilAsync(async () =>
        {
            connected = await FleetClient.ConnectAsync(_pki, ports[2], "fleet-cluster", persistent: true, MqttProtocolVersion.V311);
            return true;
        }, "the fleet client connected to the third node", TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(500));
        var fleet = connected!;
        await using var _ = fleet;
        await fleet.SubscribeAsync("appliance/dev-1/events");

        await using var host = await CloudHost.StartAsync(_pki, [ports[0], ports[1]], ["status"]);
        await host.LoginAsync();
        await UntilConnectedAsync(host, ports[0]);
        var cloud = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cloud");
        Assert.Equal("MQTT 3.1.1", cloud.GetProperty("protocol").GetString());

        var published = new List<string>();
        async Task PublishAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var response = await host.Client.PostAsJsonAsync("/api/v1/events", new { type = "ClusterProbe", category = "system", data = new { n = published.Count } });
                published.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }
        }

        await PublishAsync(20);
        _cluster.Kill(0);
        await PublishAsync(30);
        try
        {
            await UntilConnectedAsync(host, ports[1]);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + string.Join("\n", _cluster.Log.Split("\n").TakeLast(40)));
        }
        await PublishAsync(10);

        var received = await Eventually.ReadUntilAsync(
            () => fleet.Received.Where(m => m.Topic == "appliance/dev-1/events")
                .Select(m => JsonDocument.Parse(FleetClient.Text(m)).RootElement)
                .Where(e => e.GetProperty("type").GetString() == "ClusterProbe")
                .Select(e => e.GetProperty("id").GetString()!)
                .ToList(),
            r => published.All(r.Contains), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        if (!published.SequenceEqual(received.Distinct()))
        {
            var link = await host.Client.GetStringAsync("/api/v1/cloud");
            Assert.Fail($"published {published.Count}, received {received.Distinct().Count()} ({received.Count} with repeats), " +
                $"missing {published.Except(received).Count()}; link: {link}\n{string.Join("\n", _cluster.Log.Split("\n").Where(l => !l.Contains("route", StringComparison.Ordinal)).TakeLast(30))}");
        }
    }

    private static Task UntilConnectedAsync(HostProcess host, int port) =>
        Eventually.ValueAsync(() => host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cloud"),
            cloud => cloud.GetProperty("connected").GetBoolean() && cloud.GetProperty("broker").GetString() == $"127.0.0.1:{port}",
            $"connected to {port}", TimeSpan.FromSeconds(60),
            () => string.Join('\n', host.Log.Split('\n').Where(l => l.Contains("loud", StringComparison.Ordinal)).TakeLast(30)), TimeSpan.FromMilliseconds(200));
}
