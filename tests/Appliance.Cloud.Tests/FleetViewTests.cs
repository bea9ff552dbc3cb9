using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>
/// What the fleet sees of an appliance without asking for much: telemetry names the cameras with their stream state,
/// and <c>plugin.config.get</c> answers a plugin's stored configuration (the real host on a real TLS mosquitto).
/// </summary>
public sealed class FleetViewTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-view-").FullName;
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
