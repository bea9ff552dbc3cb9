using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>
/// The dev appliance (the real host process) on a real TLS mosquitto: birth, commands with MQTT 5 correlation data,
/// refusals that run nothing, the last will when it is killed, and no event lost across a broker outage; what the fleet
/// sees without asking much (cameras in telemetry, a plugin's configuration by <c>plugin.config.get</c>).
/// </summary>
public sealed class ApplianceLinkTests : IAsyncLifetime
{
    private const string Commands = "appliance/dev-1/commands";
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-host-").FullName;
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;

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

    private static async Task<JsonElement> ResultAsync(FleetClient fleet, string responses, string requestId)
    {
        var message = await fleet.WaitForAsync(responses, t => t.Contains($"\"requestId\":\"{requestId}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return JsonDocument.Parse(FleetClient.Text(message)).RootElement;
    }

    [Fact]
    public async Task The_appliance_comes_online_answers_a_command_and_goes_offline_by_last_will_when_killed()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["status"]);
        var birth = await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(20));
        Assert.Equal("""{"state":"online"}""", birth[0]);

        await using var fleet = await FleetClient.ConnectAsync(_pki, _broker.Port);
        await fleet.SubscribeAsync("appliance/+/responses/#");
        await fleet.PublishAsync(Commands, """{"requestId":"r-status","command":"status"}""", "appliance/dev-1/responses/w1", Encoding.UTF8.GetBytes("corr-42"));
        var reply = await fleet.WaitForAsync("appliance/dev-1/responses/w1", t => t.Contains("r-status", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal("corr-42", Encoding.UTF8.GetString(reply.CorrelationData));
        var result = JsonDocument.Parse(FleetClient.Text(reply)).RootElement;
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Contains(result.GetProperty("data").GetProperty("plugins").EnumerateArray(), p => p.GetProperty("id").GetString() == CloudHost.Plugin);

        await fleet.SubscribeAsync("appliance/dev-1/telemetry");
        await fleet.WaitForAsync("appliance/dev-1/telemetry", t => t.Contains("\"health\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        host.Kill();
        // keep-alive 2 s: the broker gives up after 1.5 x that and publishes the retained will.
        var state = await Eventually.UntilAsync(
            async () => (await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(5)))[0],
            s => s.Contains("offline", StringComparison.Ordinal), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));
        Assert.Equal("""{"state":"offline"}""", state);
    }

    [Fact]
    public async Task Bad_commands_get_error_results_and_nothing_of_them_runs()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["status", "plugin.restart"]);
        await host.LoginAsync();
        await using var fleet = await FleetClient.ConnectAsync(_pki, _broker.Port);
        await fleet.SubscribeAsync("appliance/dev-1/responses");
        await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(20));
        var responses = "appliance/dev-1/responses";
        var cases = new (string RequestId, string Payload, string Code)[]
        {
            ("r-not-allowed", """{"requestId":"r-not-allowed","command":"plugin.disable","args":{"id":"PLUGIN"}}""".Replace("PLUGIN", CloudHost.Plugin, StringComparison.Ordinal), "not-allowed"),
            ("r-unknown", """{"requestId":"r-unknown","command":"format.disk"}""", "unknown-command"),
            ("r-expired", """{"requestId":"r-expired","command":"status","expiresAt":"2020-01-01T00:00:00Z"}""", "expired"),
            ("r-other", """{"requestId":"r-other","command":"status","deviceId":"dev-2"}""", "wrong-device"),
            ("r-noid", """{"requestId":"r-noid","command":"plugin.restart","args":{}}""", "malformed"),
            ("r-missing", """{"requestId":"r-missing","command":"plugin.restart","args":{"id":"no.such.plugin"}}""", "not-found"),
        };
        foreach (var (id, payload, _) in cases) await fleet.PublishAsync(Commands, payload);
        await fleet.PublishAsync(Commands, "{ this is not json");
        await fleet.PublishAsync(Commands, Encoding.UTF8.GetBytes("""{"requestId":"r-huge","command":"status","args":{"x":" """ + new string('a', 100_000) + "\"}}"));
        foreach (var (id, _, code) in cases)
        {
            var result = await ResultAsync(fleet, responses, id);
            Assert.Equal(("error", code), (result.GetProperty("status").GetString(), result.GetProperty("code").GetString()));
        }
        await fleet.WaitForAsync(responses, t => t.Contains("\"code\":\"malformed\"", StringComparison.Ordinal) && !t.Contains("requestId", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await fleet.WaitForAsync(responses, t => t.Contains("\"code\":\"too-large\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        var plugin = await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{CloudHost.Plugin}");
        Assert.Equal("Running", plugin.GetProperty("state").GetString());

        // A replayed request id runs once: the restart happens, the replay is refused.
        var restart = """{"requestId":"r-restart","command":"plugin.restart","args":{"id":"PLUGIN"}}""".Replace("PLUGIN", CloudHost.Plugin, StringComparison.Ordinal);
        await fleet.PublishAsync(Commands, restart);
        Assert.Equal("ok", (await ResultAsync(fleet, responses, "r-restart")).GetProperty("status").GetString());
        var before = fleet.Received.Count(m => FleetClient.Text(m).Contains("r-restart", StringComparison.Ordinal));
        await fleet.PublishAsync(Commands, restart);
        var replay = await fleet.WaitForAsync(responses, t => t.Contains("r-restart", StringComparison.Ordinal) && t.Contains("replayed", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.NotNull(replay);
        Assert.Equal(before + 1, fleet.Received.Count(m => FleetClient.Text(m).Contains("r-restart", StringComparison.Ordinal)));

        var cloud = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cloud");
        Assert.True(cloud.GetProperty("connected").GetBoolean());
        Assert.Equal(1, cloud.GetProperty("commandsRun").GetInt64());
        // the six cases, the malformed and the oversized one, and the replay
        Assert.Equal(cases.Length + 3, cloud.GetProperty("commandsRefused").GetInt64());
    }

    [Fact]
    public async Task No_event_is_lost_or_reordered_across_a_broker_outage()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["status"]);
        await host.LoginAsync();
        await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(20));
        await using (var first = await FleetClient.ConnectAsync(_pki, _broker.Port, "fleet-events", persistent: true))
            await first.SubscribeAsync("appliance/dev-1/events");

        var published = new List<string>();
        async Task PublishAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var response = await host.Client.PostAsJsonAsync("/api/v1/events", new { type = "OutageProbe", category = "system", data = new { n = published.Count } });
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
                published.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }
        }

        await PublishAsync(20);
        await _broker.StopAsync();
        await PublishAsync(30);
        await _broker.StartAsync();
        await PublishAsync(20);

        await using var fleet = await FleetClient.ConnectAsync(_pki, _broker.Port, "fleet-events", persistent: true);
        var received = await Eventually.ReadUntilAsync(
            () => fleet.Received.Where(m => m.Topic == "appliance/dev-1/events")
                .Select(m => JsonDocument.Parse(FleetClient.Text(m)).RootElement)
                .Where(e => e.GetProperty("type").GetString() == "OutageProbe")
                .Select(e => e.GetProperty("id").GetString()!)
                .ToList(),
            r => published.All(r.Contains), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Equal(published, received.Distinct().ToList());
    }

    [Fact]
    public async Task Telemetry_lists_the_cameras_and_a_plugins_configuration_can_be_read()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["plugin.config.get", "plugin.config.set"]);
        await host.LoginAsync();
        using (var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Loading dock", streamUri = "rtsp://127.0.0.1:9/never" }))
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        await using var fleet = await FleetClient.ConnectAsync(_pki, _broker.Port);
        await fleet.SubscribeAsync("appliance/dev-1/#");
        var telemetry = await fleet.WaitForAsync("appliance/dev-1/telemetry", t => t.Contains("Loading dock", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var camera = JsonDocument.Parse(FleetClient.Text(telemetry)).RootElement.GetProperty("cameras").EnumerateArray().Single();
        Assert.Equal("Loading dock", camera.GetProperty("name").GetString());
        Assert.True(camera.GetProperty("enabled").GetBoolean());

        // The telemetry the broker took is counted as telemetry in the data-use accounting (issue 20 item 5).
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var counted = await Eventually.ValueAsync(
            async () => (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}")).GetProperty("monthBytes").GetProperty("telemetry").GetInt64(),
            bytes => bytes >= telemetry.Payload.Length,
            "the telemetry counted in /api/v1/datause", TimeSpan.FromSeconds(30));
        Assert.True(counted >= telemetry.Payload.Length, $"{counted} telemetry bytes counted");

        var set = await AskAsync(fleet, "set-1", "plugin.config.set", new { id = CloudHost.Plugin, config = new { intervalSeconds = 7 } });
        Assert.True(set.GetProperty("status").GetString() == "ok", set.GetRawText());
        var got = await AskAsync(fleet, "get-1", "plugin.config.get", new { id = CloudHost.Plugin });
        Assert.True(got.GetProperty("status").GetString() == "ok", got.GetRawText());
        Assert.Equal(7, got.GetProperty("data").GetProperty("config").GetProperty("intervalSeconds").GetInt32());
        Assert.Equal("Running", got.GetProperty("data").GetProperty("state").GetString());

        var unknown = await AskAsync(fleet, "get-2", "plugin.config.get", new { id = "no.such.plugin" });
        Assert.Equal("not-found", unknown.GetProperty("code").GetString());
    }

    private static async Task<JsonElement> AskAsync(FleetClient fleet, string requestId, string command, object args)
    {
        await fleet.PublishAsync("appliance/dev-1/commands", JsonSerializer.Serialize(new { requestId, command, args }), "appliance/dev-1/responses/view", Encoding.UTF8.GetBytes(requestId));
        var reply = await fleet.WaitForAsync("appliance/dev-1/responses/view", t => t.Contains($"\"requestId\":\"{requestId}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return JsonDocument.Parse(FleetClient.Text(reply)).RootElement;
    }
}
