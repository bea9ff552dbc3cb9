using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>The plugin against the simulated camera over real HTTP: stream URI resolution, pull-point events on the bus, PTZ routes, health.</summary>
public class PluginCameraTests
{
    private const string NoDiscovery = """{"discovery.wsDiscovery": false, "discovery.mdns": false}""";

    private static CameraInfo Camera(OnvifCameraSimulator sim, string id = "cam1", string? password = null, string? streamUri = null, CameraOverrides? overrides = null) =>
        new(id, "Lobby", true, streamUri, sim.DeviceServiceUri.ToString(), sim.Options.Username, password ?? sim.Options.Password, overrides ?? new CameraOverrides());

    [Fact]
    public async Task ResolvesTheStreamUriAndFeedsCameraEventsToTheBus()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/lobby", ClockOffset = TimeSpan.FromMinutes(-7) });
        var context = OnvifContext.Create(NoDiscovery);
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera(sim, overrides: new CameraOverrides(RtspPort: 10554, Profile: "SubStream")));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Inventory().StreamUrisSet.Count == 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.Equal(("cam1", "rtsp://127.0.0.1:10554/lobby"), context.Inventory().StreamUrisSet[0]);
            Assert.Contains("Media2/GetStreamUri profile_sub", sim.Calls);
            Assert.True(await Eventually.HoldsWithinAsync(() => sim.ActiveSubscriptions == 1, TimeSpan.FromSeconds(30)));

            sim.RaiseEvent("tns1:RuleEngine/CellMotionDetector/Motion", new Dictionary<string, string> { ["VideoSourceConfigurationToken"] = "vsc_1", ["Rule"] = "Motion1" },
                new Dictionary<string, string> { ["IsMotion"] = "true" });
            sim.RaiseEvent("tns1:VideoSource/ImageTooDark/ImagingService", new Dictionary<string, string> { ["Source"] = "vs_1" }, new Dictionary<string, string> { ["State"] = "true" });
            sim.RaiseEvent("tns1:Device/Trigger/DigitalInput", new Dictionary<string, string> { ["InputToken"] = "DI_1" }, new Dictionary<string, string> { ["LogicalState"] = "true" });
            sim.RaiseEvent("tns1:Monitoring/ProcessorUsage", new Dictionary<string, string> { ["Token"] = "cpu" }, new Dictionary<string, string> { ["Value"] = "12" });
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Published.Count(e => e is not DeviceDiscovered) >= 4, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));

            var motion = context.Outbox.Published.OfType<MotionDetected>().Single();
            Assert.Equal("cam1", motion.CameraId);
            Assert.True(motion.Active);
            Assert.Contains("CellMotionDetector", motion.Source);
            Assert.True(context.Outbox.Published.OfType<TamperDetected>().Single().Active);
            Assert.Equal(new DigitalInputChanged("cam1", "DI_1", true), context.Outbox.Published.OfType<DigitalInputChanged>().Single());
            var other = context.Outbox.Published.OfType<CameraEventReceived>().Single();
            Assert.Equal("tns1:Monitoring/ProcessorUsage", other.Topic);
            Assert.Equal("12", other.Data["Value"]);
            Assert.Equal(HealthState.Healthy, context.HealthReports.Components["camera/cam1"].State);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
        Assert.Equal(0, sim.ActiveSubscriptions);
        Assert.Equal(0, context.Inventory().Watchers);
        Assert.Equal(0, context.Outbox.ActiveSubscriptions);
    }

    [Fact]
    public async Task ACameraWithTwoProfilesGetsTheSecondAsItsSubStream()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/main", SubStreamUri = "rtsp://127.0.0.1:8554/sub" });
        var context = OnvifContext.Create(NoDiscovery);
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera(sim));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Inventory().StreamUrisSet.Count == 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.Equal(("cam1", "rtsp://127.0.0.1:8554/main"), context.Inventory().StreamUrisSet[0]);
            Assert.Equal([("cam1", "rtsp://127.0.0.1:8554/sub")], context.Inventory().SubStreamUrisSet);
            Assert.Contains("Media2/GetStreamUri profile_sub", sim.Calls);
            var camera = context.Inventory().List().Single();
            Assert.Equal("rtsp://127.0.0.1:8554/sub", camera.Overrides.SubStreamUri);
            Assert.Equal("rtsp://127.0.0.1:8554/main", camera.StreamUri);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task PtzRoutesDriveTheCamera()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { RequireHttpDigest = true });
        var context = OnvifContext.Create("""{"discovery.wsDiscovery": false, "discovery.mdns": false, "events.pullPoint": false}""");
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera(sim, streamUri: "rtsp://known/stream"));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            var id = new Dictionary<string, string> { ["id"] = "cam1" };
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.TryGetValue("camera/cam1", out var r) && r.State == HealthState.Healthy, TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines));
            Assert.Empty(context.Inventory().StreamUrisSet);

            var move = await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/move", id, """{"pan": 0.25, "tilt": -0.5, "zoom": 0, "timeoutSeconds": 2}""");
            Assert.Equal(200, move.StatusCode);
            Assert.Contains("PTZ/ContinuousMove profile_main pan=0.25 tilt=-0.5 zoom=0", sim.Calls);
            Assert.Equal(200, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/stop", id)).StatusCode);
            var presets = await context.RouteTable.InvokeAsync("GET", "cameras/{id}/ptz/presets", id);
            Assert.Contains("Entrance", System.Text.Encoding.UTF8.GetString(presets.Body.Span));
            var set = await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/presets", id, """{"name": "Door"}""");
            var token = JsonDocument.Parse(set.Body).RootElement.GetProperty("token").GetString()!;
            Assert.Equal(200, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/presets/{token}/goto", new() { ["id"] = "cam1", ["token"] = token })).StatusCode);
            Assert.Contains($"PTZ/GotoPreset profile_main {token}", sim.Calls);

            Assert.Equal(404, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/stop", new() { ["id"] = "nope" })).StatusCode);
            Assert.Equal(400, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/move", id, "{not json")).StatusCode);
            Assert.Equal(400, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/move", id, """{"pan": 9}""")).StatusCode);
            Assert.Equal(502, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/presets/{token}/goto", new() { ["id"] = "cam1", ["token"] = "missing" })).StatusCode);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task WrongPasswordShowsInHealthAndNothingElseBreaks()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());
        var context = OnvifContext.Create(NoDiscovery);
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera(sim, password: "wrong"));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.TryGetValue("camera/cam1", out var r) && r.State == HealthState.Unhealthy, TimeSpan.FromSeconds(30)));
            Assert.Contains("NotAuthorized", context.HealthReports.Components["camera/cam1"].Message);
            Assert.Empty(context.Inventory().StreamUrisSet);
            Assert.Equal(409, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/ptz/stop", new() { ["id"] = "cam1" })).StatusCode);

            context.Inventory().Set(Camera(sim));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Inventory().StreamUrisSet.Count == 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.TryGetValue("camera/cam1", out var healthy) && healthy.State == HealthState.Healthy, TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task RemovedCameraIsUnsubscribedAndForgotten()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());
        var context = OnvifContext.Create(NoDiscovery);
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera(sim, streamUri: "rtsp://known/stream"));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => sim.ActiveSubscriptions == 1, TimeSpan.FromSeconds(30)));
            context.Inventory().Set();
            Assert.True(await Eventually.HoldsWithinAsync(() => sim.ActiveSubscriptions == 0, TimeSpan.FromSeconds(30)));
            Assert.True(await Eventually.HoldsWithinAsync(() => !context.HealthReports.Components.ContainsKey("camera/cam1"), TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain(sim.Calls, c => c.Contains("GetStreamUri"));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }
}
