using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>A camera whose event service answers every pull with 1,024 notifications at once.</summary>
public class HostileEventSourceTests
{
    [Fact]
    public async Task AFloodingEventSourceIsThrottledPerCameraAndCountedInHealth()
    {
        await using var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { EventFloodPerPull = 1024 });
        var context = OnvifContext.Create("""{"discovery.wsDiscovery": false, "discovery.mdns": false}""");
        var plugin = new OnvifPlugin();
        context.Inventory().Set(new CameraInfo("flood", "Flood", true, "rtsp://127.0.0.1:8554/stream", sim.DeviceServiceUri.ToString(),
            sim.Options.Username, sim.Options.Password, new CameraOverrides()));
        await plugin.StartAsync(context, CancellationToken.None);
        var started = DateTime.UtcNow;
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => sim.Pulls >= 3, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.TryGetValue("camera/flood", out var r) && r.Message.Contains("events throttled"), TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines));
            var elapsed = (DateTime.UtcNow - started).TotalSeconds;
            var published = context.Outbox.Published.OfType<MotionDetected>().Count();
            var pulls = sim.Pulls;
            // At most the burst plus the rate over the time it ran, whatever the camera sent (pulls x 1,024).
            Assert.InRange(published, 64, 64 + 20 * elapsed + 20);
            Assert.True(pulls * 1024 > published * 10, $"{pulls} pulls of 1,024 gave {published} events");
            // Throttled, not re-polled at once: roughly one pull per second once the budget is spent.
            Assert.InRange(pulls, 3, elapsed + 3);
            Assert.Equal(HealthState.Degraded, context.HealthReports.Components["camera/flood"].State);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }
}
