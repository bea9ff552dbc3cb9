using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;

namespace Appliance.Cameras.Tests;

/// <summary>The real host with its ONVIF plugin (discovery and facade off: nothing leaves loopback), shared by the profile tests.</summary>
public sealed class OnvifHost : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = new JsonObject
        {
            ["appliance.onvif"] = new JsonObject
            {
                ["discovery"] = new JsonObject { ["wsDiscovery"] = false, ["mdns"] = false },
                ["facade"] = new JsonObject { ["enabled"] = false },
            },
        };
        Host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.Onvif), pluginConfig: config);
        await Host.LoginAsync();
        await Host.UntilPluginRunningAsync("appliance.onvif");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Issue 15 item 2, "offer the ONVIF profiles to choose from": <c>POST /api/v1/cameras/onvif-profiles</c> lists a
/// device's media profiles through the ONVIF plugin's route, or says why not. A real ONVIF simulator, a port where
/// nothing listens, HTTP servers that answer garbage or too much.
/// </summary>
public sealed class OnvifProfilesTests(OnvifHost onvif) : IClassFixture<OnvifHost>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> ProfilesAsync(object input)
    {
        using var response = await onvif.Host.Client.PostAsJsonAsync("/api/v1/cameras/onvif-profiles", input);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Row(JsonElement p) =>
        $"{p.GetProperty("token").GetString()}|{p.GetProperty("name").GetString()}|{p.GetProperty("codec").GetString()}|" +
        $"{p.GetProperty("width").GetInt32()}x{p.GetProperty("height").GetInt32()}|{p.GetProperty("fps").GetDouble()}|{p.GetProperty("streamUri").GetString()}";

    [Fact]
    public async Task The_simulators_profiles_are_listed_with_codec_size_rate_and_stream_uri()
    {
        var options = new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/main", SubStreamUri = "rtsp://127.0.0.1:8554/sub" };
        await using var simulator = await OnvifCameraSimulator.StartAsync(options);

        var (status, body) = await ProfilesAsync(new { address = simulator.DeviceServiceUri.ToString(), username = options.Username, password = options.Password });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            ["profile_main|MainStream|H264|1920x1080|25|rtsp://127.0.0.1:8554/main", "profile_sub|SubStream|H265|640x360|15|rtsp://127.0.0.1:8554/sub"],
            body.EnumerateArray().Select(Row).ToArray());
    }

    [Fact]
    public async Task The_media_ver10_service_serves_when_the_device_has_no_media2()
    {
        var options = new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/only", Media2 = false };
        await using var simulator = await OnvifCameraSimulator.StartAsync(options);

        var (status, body) = await ProfilesAsync(new { address = simulator.DeviceServiceUri.ToString(), username = options.Username, password = options.Password });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body.EnumerateArray(), p => p.GetProperty("token").GetString() == "profile_main" && p.GetProperty("streamUri").GetString() == "rtsp://127.0.0.1:8554/only");
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_the_auth_reason()
    {
        await using var simulator = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());

        var (status, body) = await ProfilesAsync(new { address = simulator.DeviceServiceUri.ToString(), username = "admin", password = "not-the-password" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("auth", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_port_where_nothing_listens_is_unreachable()
    {
        var (status, body) = await ProfilesAsync(new { address = $"http://127.0.0.1:{FreePort.Tcp()}/onvif/device_service", username = "admin", password = "x" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("unreachable", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_server_answering_garbage_is_malformed()
    {
        await using var server = await CannedHttpServer.StartAsync(200, "application/soap+xml", Encoding.UTF8.GetBytes("\u0001garbage <not xml"));

        var (status, body) = await ProfilesAsync(new { address = new Uri(server.Uri, "/onvif/device_service").ToString(), username = "admin", password = "x" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("malformed", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_server_answering_more_than_the_limit_is_malformed_and_names_the_limit()
    {
        var huge = Encoding.UTF8.GetBytes("<a>" + new string('x', 2 * 1024 * 1024) + "</a>");
        await using var server = await CannedHttpServer.StartAsync(200, "application/soap+xml", huge);

        var (status, body) = await ProfilesAsync(new { address = new Uri(server.Uri, "/onvif/device_service").ToString() });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("malformed", body.GetProperty("code").GetString());
        Assert.Contains("exceeds the limit", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_web_server_that_is_not_onvif_is_named_so()
    {
        await using var server = await CannedHttpServer.StartAsync(404, "text/html", Encoding.UTF8.GetBytes("<html><body>Not found</body></html>"));

        var (status, body) = await ProfilesAsync(new { address = new Uri(server.Uri, "/onvif/device_service").ToString() });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("not-onvif", body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("rtsp://127.0.0.1/stream")]
    [InlineData("not a url")]
    public async Task An_address_that_is_not_an_http_url_is_a_bad_request(string address)
    {
        var (status, body) = await ProfilesAsync(new { address });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid", body.GetProperty("code").GetString());
    }
}
