using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>What a real site does to a stream: camera reboots, a dropped route, a wrong password.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task AKilledAndRestartedServerIsOneContinuousStreamWithAGapEvent()
    {
        var port = FreePort.Tcp();
        var server = await GstRtspServer.StartAsync(port, "--width 640 --height 360");
        await using var rig = await PluginRig.StartAsync(cameras: PluginRig.Camera("cam", server.Url));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/cam"));
        try
        {
            await PluginRig.Until(() => reader.Count() >= 25, "units before the fault");
            server.Kill();
            await PluginRig.Until(() => rig.Context.Outbox.Of<CameraWentOffline>().Count == 1, "offline event");
            var beforeRestart = reader.Count();
            server.Dispose();
            server = await GstRtspServer.StartAsync(port, "--width 640 --height 360");
            await PluginRig.Until(() => reader.Count() >= beforeRestart + 25, "units after the restart on the same subscription");
            await PluginRig.Until(() => rig.Context.Outbox.Of<StreamGapOccurred>().Count == 1, "gap event");

            var gap = rig.Context.Outbox.Of<StreamGapOccurred>().Single();
            Assert.Equal("cam", gap.CameraId);
            Assert.NotNull(gap.Until);
            Assert.True(gap.Until > gap.From);
            Assert.True(gap.Reconnects >= 1);
            Assert.False(string.IsNullOrEmpty(gap.Reason));
            Assert.Equal(2, rig.Context.Outbox.Of<CameraWentOnline>().Count);

            var units = reader.Units;
            var resumed = units.FindIndex(u => u.AfterGap);
            Assert.True(resumed > 0, "the first unit after the gap is marked");
            Assert.True(units[resumed].Key, "and is a keyframe");
            Assert.Single(units, u => u.AfterGap);
            Assert.Equal(units.Select(u => u.Timestamp).Order(), units.Select(u => u.Timestamp)); // one timeline
            Assert.True(units[resumed].Timestamp - units[resumed - 1].Timestamp > 9000, "the gap shows in the timestamps");

            await PluginRig.Until(() => rig.Cameras.Health["cam"].State == "playing" && rig.Cameras.Health["cam"].Reconnects >= 1, "health after recovery");
            Assert.Equal(0, reader.Subscription.Dropped);
            Assert.Empty(rig.Context.BackgroundFailures);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task DroppingTheRtspPortWithNftablesMakesAGapAndAcceptingAgainRecovers()
    {
        using var ns = NetNamespace.Create();
        var port = FreePort.Tcp();
        using var server = await GstRtspServer.StartAsync(port, "--width 640 --height 360", ns.PeerAddress, ns.Name);
        await using var rig = await PluginRig.StartAsync(cameras: PluginRig.Camera("far", server.Url));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/far"));
        await PluginRig.Until(() => reader.Count() >= 25, "units through the namespace");

        ns.DropTcpPort(port);
        await PluginRig.Until(() => rig.Context.Outbox.Of<CameraWentOffline>().Count == 1, "offline after the drop");
        var offline = rig.Context.Outbox.Of<CameraWentOffline>().Single();
        Assert.Contains("no RTP received for 2 s", offline.Reason);
        await PluginRig.Until(() => rig.Plugin.Pulls["far"].Sessions >= 3, "reconnect attempts while dropped");
        await PluginRig.Until(() => rig.Cameras.Health["far"].LastError?.Contains("timed out") == true, "connect timeouts in health");

        var before = reader.Count();
        ns.AcceptAgain();
        await PluginRig.Until(() => reader.Count() >= before + 25, "units after accepting again");
        await PluginRig.Until(() => rig.Context.Outbox.Of<StreamGapOccurred>().Count == 1, "gap event");
        var gap = rig.Context.Outbox.Of<StreamGapOccurred>().Single();
        Assert.True(gap.Reconnects >= 2);
        Assert.Contains("no RTP received", gap.Reason);
        Assert.Contains(reader.Units, u => u.AfterGap && u.Key);
        Assert.Empty(rig.Context.BackgroundFailures);
    }

    [Fact]
    public async Task AWrongPasswordIsAClear401InHealthWithBackoffAndNoCrash()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--user admin --password right --width 320 --height 240");
        await using var rig = await PluginRig.StartAsync(cameras: PluginRig.Camera("locked", server.Url, "admin", "wrong"));
        await PluginRig.Until(() => rig.Plugin.Pulls["locked"].Sessions >= 3, "retries with backoff");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("locked", out var h) && h.LastError is not null && h.Reconnects >= 2,
            "health reporting the error after retries");

        var health = rig.Cameras.Health["locked"];
        Assert.Equal("DESCRIBE: 401 Unauthorized", health.LastError);
        Assert.Equal("unauthorized", health.State);
        var report = rig.Context.HealthReports.Components["camera/locked"];
        Assert.Equal(HealthState.Unhealthy, report.State);
        Assert.Equal("unauthorized: DESCRIBE: 401 Unauthorized", report.Message);
        Assert.Equal("DESCRIBE: 401 Unauthorized", Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>()).Reason);
        Assert.Empty(rig.Context.Outbox.Of<CameraWentOnline>());
        Assert.Empty(rig.Context.BackgroundFailures);

        // The right password (an inventory edit) recovers without a restart of the plugin.
        rig.Cameras.Set(PluginRig.Camera("locked", server.Url, "admin", "right"));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/locked"));
        await PluginRig.Until(() => reader.Count() >= 10, "units with the right password");
    }
}
