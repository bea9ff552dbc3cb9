using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Rtsp.Tests.Shared;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>Sub streams (<c>camera/{id}/sub</c>) pulled only while watched, against a GStreamer server with two mounts.</summary>
public sealed class SubStreamTests
{
    private static readonly string Config = PluginRig.FastConfig.TrimEnd('}') + ""","subStreamIdleSeconds":1}""";

    private static CameraInfo WithSub(string id, GstRtspServer server, string subPath) =>
        PluginRig.Camera(id, server.Url, overrides: new CameraOverrides { SubStreamUri = $"rtsp://{server.Address}:{server.Port}{subPath}" });

    private static string? HealthMessage(PluginContextDouble context, string component) =>
        context.HealthReports.Components.TryGetValue(component, out var r) ? r.Message : null;

    [Fact]
    public async Task ASubStreamIsPulledOnlyWhileItHasASubscriberAndHasItsOwnHealth()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360 --sub-path /sub --sub-width 320 --sub-height 180");
        await using var rig = await PluginRig.StartAsync(Config, null, WithSub("two", server, "/sub"));
        await using var main = new Reader(rig.Hub.Subscribe("camera/two"));

        // At start the sub stream is pulled once, so the hub knows its tracks, and let go when nobody watches.
        await PluginRig.Until(() => HealthMessage(rig.Context, "camera/two/sub")?.StartsWith("idle") == true, "the sub stream idle after its first pull");
        Assert.Contains(rig.Hub.Streams, s => s.Name == "camera/two/sub");
        var sub = rig.Plugin.Pulls["two/sub"];
        Assert.Equal(1, sub.Sessions);
        var mainUnits = main.Count();
        await PluginRig.Until(() => main.Count() >= mainUnits + 50, "the main stream flowing meanwhile");
        Assert.Equal(1, sub.Sessions);

        await using (var viewer = new Reader(rig.Hub.Subscribe("camera/two/sub")))
        {
            await PluginRig.Until(() => viewer.Count() >= 25, "sub stream units for a subscriber");
            await PluginRig.Until(() => rig.Cameras.SubHealth.TryGetValue("two", out var h) && h.State == "playing" && h.Codec is not null, "sub stream health");
            Assert.Equal(2, sub.Sessions);
            Assert.Contains("320x180", rig.Cameras.SubHealth["two"].Codec);
            Assert.Contains(viewer.Units, u => u.Key);
        }
        await PluginRig.Until(() => HealthMessage(rig.Context, "camera/two/sub")?.StartsWith("idle") == true, "idle again after the subscriber left");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("two", out var h) && h.Codec?.Contains("640x360") == true, "main stream health");
        Assert.Equal("playing", rig.Cameras.Health["two"].State);
        Assert.Equal(2, sub.Sessions);
        // The sub stream publishes no camera events: the main stream alone says the camera is online.
        Assert.Single(rig.Context.Outbox.Of<CameraWentOnline>());
        Assert.Empty(rig.Context.Outbox.Of<CameraWentOffline>());
    }

    [Fact]
    public async Task ASubStreamWhoseFirstPullOutlastsTheIdleTimeStillReportsHowItEnded()
    {
        // A slow sub stream: PLAY answered, no media. Its first pull (run unwatched, to learn the tracks) takes longer
        // than subStreamIdleSeconds (1 s) to fail; it must end in an error of its own, not be
        // cut as "idle" with nothing said. A loaded appliance answering DESCRIBE slowly is the same case.
        using var silent = new ScriptedRtspServer((_, _) => null);
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        await using var rig = await PluginRig.StartAsync(Config, null,
            PluginRig.Camera("slow", server.Url, overrides: new CameraOverrides { SubStreamUri = silent.Url }));

        await PluginRig.Until(() => rig.Cameras.SubHealth.TryGetValue("slow", out var h) && h.LastError is not null, "the sub stream's error");
        var health = rig.Cameras.SubHealth["slow"];
        Assert.Equal("offline", health.State);
        Assert.Contains("no RTP received", health.LastError);
        Assert.StartsWith("offline: ", HealthMessage(rig.Context, "camera/slow/sub"));
        // Unwatched, the failed first pull is not retried.
        Assert.Equal(1, rig.Plugin.Pulls["slow/sub"].Sessions);
    }

    [Fact]
    public async Task ASubStreamUriThat404sIsAClearErrorOfItsOwnWithBoundedAttemptsAndTheMainStreamPlays()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --sub-path /sub");
        using var other = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        await using var rig = await PluginRig.StartAsync(Config, null, WithSub("bad", server, "/missing"), PluginRig.Camera("other", other.Url));
        await using var main = new Reader(rig.Hub.Subscribe("camera/bad"));
        await using var otherReader = new Reader(rig.Hub.Subscribe("camera/other"));

        await PluginRig.Until(() => rig.Cameras.SubHealth.TryGetValue("bad", out var h) && h.LastError is not null, "the sub stream's error");
        var health = rig.Cameras.SubHealth["bad"];
        Assert.Equal("offline", health.State);
        Assert.StartsWith("DESCRIBE: 404", health.LastError);
        Assert.StartsWith("offline: DESCRIBE: 404", HealthMessage(rig.Context, "camera/bad/sub"));
        await PluginRig.Until(() => main.Count() >= 25 && otherReader.Count() >= 25, "both main streams play");
        Assert.Equal(HealthState.Healthy, rig.Context.HealthReports.Components["camera/bad"].State);

        // Unwatched, a failed sub stream is not retried; watched, it is retried with the capped backoff.
        var sub = rig.Plugin.Pulls["bad/sub"];
        var before = sub.Sessions;
        await PluginRig.Until(() => main.Count() >= 75, "time passing");
        Assert.Equal(before, sub.Sessions);
        var viewer = rig.Hub.Subscribe("camera/bad/sub");
        var watchedSince = DateTimeOffset.UtcNow;
        await PluginRig.Until(() => sub.Sessions >= before + 3, "attempts while watched");
        viewer.Dispose();
        var watched = (DateTimeOffset.UtcNow - watchedSince).TotalSeconds;
        // reconnect.initialSeconds 0.2 doubling to 1 s: far fewer attempts than a tight loop would make.
        Assert.True(sub.Sessions - before <= 3 + watched / 0.2, $"{sub.Sessions - before} attempts in {watched:0.0} s");
        Assert.Empty(rig.Context.Outbox.Of<CameraWentOffline>());
        Assert.Equal(2, rig.Context.Outbox.Of<CameraWentOnline>().Count);
    }
}
