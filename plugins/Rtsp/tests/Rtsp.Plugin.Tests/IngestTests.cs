using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>The plugin pulling a real GStreamer camera into the real hub.</summary>
public sealed class IngestTests
{
    [Fact]
    public async Task OnePullFeedsThreeSubscribersAndALateJoinerStartsAtAKeyframe()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp());
        // Health windows of 2 s: about 50 frames each, so the frame rate reads close to the source's 25 fps.
        var rig = await PluginRig.StartAsync(PluginRig.FastConfig.Replace("\"healthIntervalSeconds\":0.5", "\"healthIntervalSeconds\":2"),
            cameras: PluginRig.Camera("cam1", server.Url));
        var readers = Enumerable.Range(0, 3).Select(_ => new Reader(rig.Hub.Subscribe("camera/cam1"))).ToList();
        try
        {
            await PluginRig.Until(() => readers.All(r => r.Count() >= 60), "three subscribers got 60 video units");
            await using var late = new Reader(rig.Hub.Subscribe("camera/cam1"));
            await PluginRig.Until(() => late.Count() >= 5, "the late joiner got units");
            await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("cam1", out var h) && h.KeyframeIntervalSeconds > 0 && h.Fps > 0,
                "health measured with a keyframe interval");

            Assert.Equal(1, server.Clients); // ONE RTSP session at the camera for all consumers
            Assert.Equal(1, rig.Plugin.Pulls["cam1"].Sessions);
            Assert.Equal(1, rig.Hub.GetStatistics("camera/cam1")!.PublishersAttached);
            Assert.True(late.Units[0].Key, "a late joiner starts at the cached keyframe");
            foreach (var r in readers)
            {
                var units = r.Units;
                Assert.True(units[0].Key);
                Assert.Equal(units.Select(u => u.Timestamp).Order(), units.Select(u => u.Timestamp));
                Assert.Equal(0, r.Subscription.Dropped);
            }
            // All three saw the same units (same buffers fanned out, not re-pulled).
            var first = readers[0].Units.Take(60).Select(u => u.Timestamp);
            Assert.All(readers.Skip(1), r => Assert.Equal(first, r.Units.Take(60).Select(u => u.Timestamp)));

            var descriptor = readers[0].Subscription.Descriptor!;
            var sps = descriptor.Tracks[0].Parameters.First(p => (p[0] & 0x1F) == 7);
            Assert.Equal((1280, 720), (H264Sps.TryParse(sps)!.Width, H264Sps.TryParse(sps)!.Height));

            // The encoder's start-up burst falls into the first windows; read a later one.
            await PluginRig.Until(() => rig.Context.Outbox.Of<StreamHealthMeasured>().Count(e => e.Health.State == "playing") >= 4, "four sampling windows");
            var health = rig.Context.Outbox.Of<StreamHealthMeasured>().Last().Health;
            Assert.Equal("playing", health.State);
            Assert.Equal("H264 1280x720", health.Codec);
            Assert.Equal("tcp (auto)", health.Transport); // automatic transport: TCP first, and it worked
            Assert.InRange(health.Fps, 18, 32);
            Assert.InRange(health.KeyframeIntervalSeconds, 1.9, 2.1); // key-int-max 50 at 25 fps
            // The ball pattern encodes to ~140 kbit/s (encoder cap 2000); one window can dip when the encoder stalls.
            var rates = rig.Context.Outbox.Of<StreamHealthMeasured>().Where(e => e.Health.State == "playing").Select(e => e.Health.BitrateKbps).ToList();
            Assert.InRange(rates.Average(), 50, 2500);
            Assert.Equal(0, health.Reconnects);
            Assert.Null(health.LastError);
            Assert.Equal(HealthState.Healthy, rig.Context.HealthReports.Components["camera/cam1"].State);
            Assert.Single(rig.Context.Outbox.Of<CameraWentOnline>());
            Assert.NotEmpty(rig.Context.Outbox.Of<StreamHealthMeasured>());

            await rig.StopAsync();
            await PluginRig.Until(() => server.Teardowns == 1, "TEARDOWN at the camera");
            Assert.True(rig.Context.AllLoopsDone);
            Assert.Empty(rig.Hub.Streams);
            Assert.False(rig.Context.HealthReports.Components.ContainsKey("camera/cam1"));
            Assert.Equal(0, rig.Cameras.Watchers);
        }
        finally
        {
            foreach (var r in readers) await r.DisposeAsync();
            await rig.DisposeAsync();
        }
        Assert.Equal(0, rig.Pool.Outstanding); // every access unit's buffer went back to the buffer pool
        Assert.Equal(0, rig.Plugin.Units.Outstanding); // and every unit object to the plugin's unit pool
        Assert.Equal(rig.Plugin.Units.Created, rig.Plugin.Units.Idle); // all of them idle, ready for reuse
        Assert.Empty(rig.Context.BackgroundFailures);
    }

    [Fact]
    public async Task UdpTransportUsesTheDeclaredPortRange()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360 --audio pcmu");
        var declared = new[] { new DeclaredPort(SocketTransport.Udp, 51200, 51299, "RTP/RTCP") };
        var config = PluginRig.FastConfig.TrimEnd('}') + ""","udpPortRange":"51200-51299"}""";
        await using var rig = await PluginRig.StartAsync(config, declared,
            PluginRig.Camera("udp1", server.Url, overrides: new CameraOverrides(RtspTransport: "udp")));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/udp1"));
        await PluginRig.Until(() => reader.Count(0) >= 30 && reader.Count(1) >= 10, "video and audio over UDP");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("udp1", out var h) && h.PacketsReceived > 0, "health");
        var health = rig.Cameras.Health["udp1"];
        Assert.Equal("udp", health.Transport);
        Assert.Equal("H264 640x360 + PCMU", health.Codec);
        Assert.Equal(2, reader.Subscription.Descriptor!.Tracks.Count);
    }

    [Fact]
    public async Task AnUndeclaredUdpRangeIsAClearHealthError()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var config = PluginRig.FastConfig.TrimEnd('}') + ""","defaultTransport":"udp","udpPortRange":"60000-60009"}""";
        await using var rig = await PluginRig.StartAsync(config, cameras: PluginRig.Camera("c", server.Url));
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("c", out var h) && h.LastError is not null, "an error in health");
        Assert.Matches(@"^UDP transport: UDP port 600\d\d is not declared by the plugin", rig.Cameras.Health["c"].LastError);
        Assert.Equal(HealthState.Unhealthy, rig.Context.HealthReports.Components["camera/c"].State);
    }

    [Fact]
    public async Task RemovingOrChangingACameraStopsOrRestartsItsPull()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var camera = PluginRig.Camera("c", server.Url);
        await using var rig = await PluginRig.StartAsync(cameras: camera);
        await using var reader = new Reader(rig.Hub.Subscribe("camera/c"));
        await PluginRig.Until(() => reader.Count() >= 10, "units");

        // Same URL through an explicit port override: a new pull replaces the old one, one after the other.
        rig.Cameras.Set(camera with { Overrides = new CameraOverrides(RtspPort: server.Port) });
        await PluginRig.Until(() => server.Teardowns == 1 && server.Clients == 2, "old session torn down, new one up");
        var before = reader.Count();
        await PluginRig.Until(() => reader.Count() >= before + 10, "units from the new pull on the same subscription");

        rig.Cameras.Set(camera with { Enabled = false });
        await PluginRig.Until(() => server.Teardowns == 2, "TEARDOWN after disable");
        await PluginRig.Until(() => rig.Hub.Streams.Count == 0, "stream unpublished");
        await PluginRig.Until(() => !rig.Context.HealthReports.Components.ContainsKey("camera/c"), "health cleared");
        Assert.Empty(rig.Plugin.Pulls);
    }
}
