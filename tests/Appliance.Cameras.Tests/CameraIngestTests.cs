using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Cameras.Tests;

/// <summary>
/// Issue 5, end to end: the host with its bundled RTSP and ONVIF plugins pulls a real GStreamer camera added by
/// URL, and one found by WS-Discovery and resolved over ONVIF; health figures show in the API; a camera restart
/// is one continuous stream with a gap event.
/// </summary>
public sealed class CameraIngestTests(ITestOutputHelper output)
{
    private static string Plugins()
    {
        var staged = Path.Combine(RepoPaths.Root, "out", "plugins");
        foreach (var id in new[] { "appliance.rtsp", "appliance.onvif" })
            if (!File.Exists(Path.Combine(staged, id, "plugin.json")))
                throw new InvalidOperationException($"{staged}/{id} is missing: build with ./build.sh (it stages the plugins)");
        return staged;
    }

    private static JsonObject QuietDiscovery() => new()
    {
        ["appliance.onvif"] = new JsonObject { ["discovery"] = new JsonObject { ["wsDiscovery"] = false, ["mdns"] = false } },
        ["appliance.rtsp"] = new JsonObject { ["healthIntervalSeconds"] = 1, ["reconnect"] = new JsonObject { ["initialSeconds"] = 0.2, ["maxSeconds"] = 1 } },
    };

    [Fact]
    public async Task A_camera_added_by_url_streams_shows_health_and_survives_a_restart_with_a_gap_event()
    {
        // Host and camera share a namespace of their own: whatever the plugins send stays inside it.
        using var net = NetworkNamespacePair.Create();
        using var camera = await GstRtspServer.StartAsync(8554, address: "127.0.0.1", netns: net.NameA, path: "/demo");
        await using var host = await HostProcess.StartAsync(bundledPlugins: Plugins(), pluginConfig: QuietDiscovery(), netns: net.NameA);
        await host.LoginAsync();

        using var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Lobby", streamUri = camera.Url });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var health = await Health(host, id!, h => h.GetProperty("fps").GetDouble() > 15 && h.GetProperty("keyframeIntervalSeconds").GetDouble() > 0);
        output.WriteLine("health: " + health);
        Assert.InRange(health.GetProperty("fps").GetDouble(), 15, 35);
        Assert.True(health.GetProperty("bitrateKbps").GetDouble() > 50);
        Assert.InRange(health.GetProperty("keyframeIntervalSeconds").GetDouble(), 1, 3);
        Assert.Equal("H264 1280x720", health.GetProperty("codec").GetString());
        Assert.Equal((1280, 720), (health.GetProperty("width").GetInt32(), health.GetProperty("height").GetInt32()));
        // Issue 15 item 8: the bandwidth planner starts from the measured stream, and its SD keeps HD's key-frame interval.
        var defaults = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/plan/defaults");
        var hd = defaults.GetProperty("cameras")[0].GetProperty("hd");
        var sd = defaults.GetProperty("cameras")[0].GetProperty("sd");
        Assert.Equal((1280, 720), (hd.GetProperty("width").GetInt32(), hd.GetProperty("height").GetInt32()));
        Assert.Equal(15, sd.GetProperty("fps").GetDouble());
        Assert.InRange(sd.GetProperty("gop").GetInt32() / 15.0, hd.GetProperty("gop").GetInt32() / hd.GetProperty("fps").GetDouble() - 0.1,
            hd.GetProperty("gop").GetInt32() / hd.GetProperty("fps").GetDouble() + 0.1);
        var reconnectsBefore = health.GetProperty("reconnects").GetInt32();

        // "Test" in the portal and CLI: the RTSP plugin's probe plays the stream to a keyframe (camera-stream).
        using (var tested = await host.Client.PostAsync($"/api/v1/cameras/{id}/test", null))
        {
            var checks = await tested.Content.ReadFromJsonAsync<JsonElement>();
            var stream = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-stream");
            Assert.Equal("Pass", stream.GetProperty("status").GetString());
            Assert.StartsWith("The stream plays: H264 1280x720, 25 fps", stream.GetProperty("detail").GetString());
        }

        camera.Kill();
        using (var tested = await host.Client.PostAsync($"/api/v1/cameras/{id}/test", null))
        {
            var stream = (await tested.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-stream");
            Assert.Equal("Fail", stream.GetProperty("status").GetString());
            Assert.Equal("No RTSP camera answered at this address.", stream.GetProperty("detail").GetString());
            Assert.Contains("RTSP port", stream.GetProperty("remediation").GetString());
        }
        await Task.Delay(1500);
        await camera.RestartAsync();

        var gap = await Eventually.UntilAsync(async () => await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=StreamGapOccurred&limit=20"), events => events.EnumerateArray().Any(e => e.GetProperty("data").GetProperty("cameraId").GetString() == id), TimeSpan.FromSeconds(60));
        Assert.Contains(gap.EnumerateArray(), e => e.GetProperty("data").GetProperty("cameraId").GetString() == id);
        var after = await Health(host, id!, h => h.GetProperty("reconnects").GetInt32() > reconnectsBefore && h.GetProperty("fps").GetDouble() > 15);
        output.WriteLine("after restart: " + after);
        Assert.True(after.GetProperty("reconnects").GetInt32() > reconnectsBefore);
        Assert.True(after.GetProperty("fps").GetDouble() > 15);
        Assert.False(host.HasExited);
    }

    [Fact]
    public async Task A_camera_found_by_ws_discovery_is_added_by_its_onvif_address_and_streams()
    {
        using var net = NetworkNamespacePair.Create();
        // The camera (GStreamer RTSP + ONVIF simulator) lives in namespace B; the appliance in namespace A.
        using var camera = await GstRtspServer.StartAsync(8554, address: net.AddressB.ToString(), netns: net.NameB, path: "/demo");
        var options = new SimulatorOptions
        {
            Name = "Dock Camera",
            StreamUri = camera.Url,
            ListenSocket = NetworkNamespacePair.TcpListener(net.NameB, net.AddressB),
        };
        await using var simulator = await OnvifCameraSimulator.StartAsync(options);
        await using var responder = new WsDiscoveryResponder(
            NetworkNamespacePair.MulticastSocket(net.NameB, 3702, IPAddress.Parse("239.255.255.250")), options, () => simulator.DeviceServiceUri.ToString());

        var config = QuietDiscovery();
        config["appliance.onvif"] = new JsonObject { ["discovery"] = new JsonObject { ["wsDiscovery"] = true, ["mdns"] = false, ["intervalSeconds"] = 3600 } };
        await using var host = await HostProcess.StartAsync(bundledPlugins: Plugins(), pluginConfig: config, netns: net.NameA);
        await host.LoginAsync();

        (await host.Client.PostAsync("/api/v1/cameras/discover", null)).EnsureSuccessStatusCode();
        var discovered = await Eventually.UntilAsync(async () => await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/discovered"), list => list.EnumerateArray().Any(d => d.GetProperty("name").GetString() == "Dock Camera"), TimeSpan.FromSeconds(60));
        var device = discovered.EnumerateArray().SingleOrDefault(d => d.GetProperty("name").GetString() == "Dock Camera");
        Assert.True(device.ValueKind == JsonValueKind.Object, $"not discovered in 60 s; discovered: {discovered}\nhost log:\n{host.Log}");
        var address = device.GetProperty("addresses")[0].GetString();
        Assert.Equal(simulator.DeviceServiceUri.ToString(), address);

        using var added = await host.Client.PostAsJsonAsync("/api/v1/cameras",
            new { name = "Dock", onvifUri = address, username = options.Username, password = options.Password, source = "ws-discovery" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var resolved = await Eventually.UntilAsync(async () => await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/cameras/{id}"), c => c.GetProperty("streamUri").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));
        Assert.Equal(camera.Url, resolved.GetProperty("streamUri").GetString());
        Assert.False(resolved.TryGetProperty("password", out _));
        Assert.True(resolved.GetProperty("hasPassword").GetBoolean());

        var health = await Health(host, id!, h => h.GetProperty("fps").GetDouble() > 15);
        output.WriteLine("health: " + health);
        Assert.True(health.GetProperty("bitrateKbps").GetDouble() > 50);
    }

    private static async Task<JsonElement> Health(HostProcess host, string id, Func<JsonElement, bool> done)
    {
        var last = await Eventually.UntilAsync(async () =>
            {
                using var response = await host.Client.GetAsync($"/api/v1/cameras/{id}/health");
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            }, h => h.ValueKind == JsonValueKind.Object && done(h), TimeSpan.FromSeconds(60));
        Assert.True(last.ValueKind == JsonValueKind.Object && done(last), $"camera {id} health never got there: {last}\n{host.Log[^Math.Min(4000, host.Log.Length)..]}");
        return last;
    }
}
