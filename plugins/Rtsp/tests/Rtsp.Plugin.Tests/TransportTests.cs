using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>Automatic RTSP transport against real servers that refuse one transport, and against hostile answers.</summary>
public sealed class TransportTests
{
    private static string LearntFile(PluginContextDouble context) => Path.Combine(context.DataDirectory, "learnt-transports.json");

    private static void Remember(PluginContextDouble context, string camera, string url, string transport) =>
        File.WriteAllText(LearntFile(context), JsonSerializer.Serialize(new Dictionary<string, object> { [camera] = new { Uri = url, Transport = transport } }));

    [Fact]
    public async Task AServerThatRefusesTcpPlaysOverUdpWithTheDefaultConfigurationAndItIsRemembered()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --protocols udp");
        // A slow encoder start must not read as "UDP gave no media": the first media may take a while here.
        var config = PluginRig.FastConfig.TrimEnd('}') + ""","mediaTimeoutSeconds":15,"transportFallbackSeconds":12}""";
        await using var rig = await PluginRig.StartAsync(config, null, PluginRig.Camera("udponly", server.Url));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/udponly"));
        await PluginRig.Until(() => reader.Count() >= 25, "units over UDP after TCP was refused");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("udponly", out var h) && h.State == "playing" && h.PacketsReceived > 0, "health");

        var health = rig.Cameras.Health["udponly"];
        Assert.Equal("udp (auto, TCP refused)", health.Transport);
        // Under a loaded test run the GStreamer server may answer its first DESCRIBE with 503 while its media
        // pipeline starts; a reconnect for that reason is the server's, any other reconnect is a fallback bug.
        var reconnects = rig.Context.Log.Lines.Where(l => l.Contains("reconnecting in")).ToList();
        Assert.True(reconnects.All(l => l.Contains(" 503")), string.Join("\n", rig.Context.Log.Lines));
        Assert.Single(rig.Context.Outbox.Of<CameraWentOnline>());
        Assert.All(rig.Context.Outbox.Of<CameraWentOffline>(), offline => Assert.Contains(" 503 ", offline.Reason));
        Assert.Contains(rig.Context.Log.Lines, l => l.Contains("trying {Transport}") && l.Contains("SETUP video over TCP: 461") && l.Contains("UDP]"));
        await PluginRig.Until(() => File.Exists(LearntFile(rig.Context)), "learnt transport written");
        var learnt = JsonDocument.Parse(File.ReadAllText(LearntFile(rig.Context))).RootElement.GetProperty("udponly");
        Assert.Equal("udp", learnt.GetProperty("Transport").GetString());
        Assert.Equal(server.Url, learnt.GetProperty("Uri").GetString());
    }

    [Fact]
    public async Task ThePerCameraOverrideWinsOverAutomaticTransport()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --protocols udp");
        await using var rig = await PluginRig.StartAsync(cameras: PluginRig.Camera("forced", server.Url, overrides: new CameraOverrides(RtspTransport: "tcp")));
        await PluginRig.Until(() => rig.Plugin.Pulls["forced"].Sessions >= 3, "several attempts");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("forced", out var h) && h.LastError is not null, "an error in health");
        var health = rig.Cameras.Health["forced"];
        Assert.Equal("offline", health.State);
        Assert.Equal("tcp", health.Transport);
        Assert.Equal("SETUP video over TCP: 461 Unsupported transport", health.LastError);
        Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>());
    }

    [Fact]
    public async Task ACameraRememberedOnUdpFallsBackToTcpWhenTheServerOnlyDoesTcp()
    {
        using var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --protocols tcp");
        await using var rig = await PluginRig.StartWithAsync(
            context => Remember(context, "tcponly", server.Url, "udp"),
            PluginRig.FastConfig, null, PluginRig.Camera("tcponly", server.Url));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/tcponly"));
        await PluginRig.Until(() => reader.Count() >= 25, "units over TCP after UDP was refused");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("tcponly", out var h) && h.PacketsReceived > 0, "health");
        Assert.Equal("tcp (auto, UDP refused)", rig.Cameras.Health["tcponly"].Transport);
        await PluginRig.Until(() => File.ReadAllText(LearntFile(rig.Context)).Contains("\"tcp\""), "TCP remembered now");
    }

    [Fact]
    public async Task AServerRefusingBothTransportsIsAClearErrorWithBoundedReconnectsAndOtherCamerasPlay()
    {
        using var refusing = new ScriptedRtspServer((_, _) => "461 Unsupported Transport");
        using var good = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        await using var rig = await PluginRig.StartAsync(cameras: [PluginRig.Camera("both", refusing.Url), PluginRig.Camera("good", good.Url)]);
        await using var reader = new Reader(rig.Hub.Subscribe("camera/good"));
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("both", out var h) && h.Reconnects >= 3, "several rounds");

        var health = rig.Cameras.Health["both"];
        Assert.Equal("offline", health.State);
        Assert.Contains("over TCP: 461 Unsupported Transport", health.LastError);
        Assert.Contains("over UDP: 461 Unsupported Transport", health.LastError);
        Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>(), e => e.CameraId == "both");
        // Two SETUP attempts (one per transport) per round, rounds spaced by the backoff.
        var pull = rig.Plugin.Pulls["both"];
        Assert.InRange(pull.Sessions, 2 * health.Reconnects, 2 * health.Reconnects + 4);
        await PluginRig.Until(() => reader.Count() >= 25, "the other camera plays meanwhile");
        Assert.Equal("tcp (auto)", rig.Cameras.Health["good"].Transport);
    }

    [Fact]
    public async Task AServerSwitchingItsAnswersBetweenAttemptsIsBoundedAndReported()
    {
        // Odd connections refuse TCP, even ones refuse UDP; an accepted SETUP plays but never sends media.
        using var fickle = new ScriptedRtspServer((n, transport) =>
            (n % 2 == 1) == transport.Contains("TCP", StringComparison.Ordinal) ? "461 Unsupported Transport" : null);
        await using var rig = await PluginRig.StartAsync(cameras: PluginRig.Camera("fickle", fickle.Url));
        await PluginRig.Until(() => fickle.Connections >= 8, "several attempts");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("fickle", out var h) && h.LastError is not null, "an error in health");

        var health = rig.Cameras.Health["fickle"];
        Assert.NotEqual("playing", health.State);
        Assert.Matches("461 Unsupported Transport|no RTP received", health.LastError);
        Assert.Empty(rig.Context.Outbox.Of<CameraWentOnline>());
        Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>());
        Assert.Empty(rig.Context.BackgroundFailures);
    }

    [Fact]
    public async Task UdpBlockedByAFirewallAfterPlayFallsBackToTcp()
    {
        using var ns = NetNamespace.Create();
        var port = FreePort.Tcp();
        using var server = await GstRtspServer.StartAsync(port, "--width 320 --height 240", ns.PeerAddress, ns.Name);
        ns.DropUdp();
        await using var rig = await PluginRig.StartWithAsync(
            context => Remember(context, "walled", server.Url, "udp"),
            PluginRig.FastConfig.TrimEnd('}') + ""","transportFallbackSeconds":2}""", null, PluginRig.Camera("walled", server.Url));
        await using var reader = new Reader(rig.Hub.Subscribe("camera/walled"));
        await PluginRig.Until(() => reader.Count() >= 25, "units over TCP after UDP brought nothing");
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("walled", out var h) && h.PacketsReceived > 0, "health");
        Assert.Equal("tcp (auto, UDP gave no media)", rig.Cameras.Health["walled"].Transport);
        Assert.Contains(rig.Context.Log.Lines, l => l.Contains("no RTP received within 2 s after PLAY over UDP"));
        Assert.Single(rig.Context.Outbox.Of<CameraWentOnline>());
        Assert.Empty(rig.Context.Outbox.Of<CameraWentOffline>());
    }

    [Fact]
    public async Task ACameraThatNeverComesBackIsOfflineOnceWithAnOpenGapAndHealthKeepsItsRhythm()
    {
        var server = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240");
        var camera = PluginRig.Camera("gone", server.Url);
        await using var rig = await PluginRig.StartAsync(cameras: camera);
        await using var reader = new Reader(rig.Hub.Subscribe("camera/gone"));
        await PluginRig.Until(() => reader.Count() >= 10, "units");
        server.Dispose();
        await PluginRig.Until(() => rig.Cameras.Health.TryGetValue("gone", out var h) && h.Reconnects >= 4, "reconnects while gone");
        var measuredOffline = rig.Context.Outbox.Of<StreamHealthMeasured>().Count(e => e.Health.State != "playing");
        await PluginRig.Until(() => rig.Context.Outbox.Of<StreamHealthMeasured>().Count(e => e.Health.State != "playing") >= measuredOffline + 4, "health measured while offline");
        Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>());
        Assert.Empty(rig.Context.Outbox.Of<StreamGapOccurred>());

        rig.Cameras.Set(camera with { Enabled = false });
        await PluginRig.Until(() => rig.Context.Outbox.Of<StreamGapOccurred>().Count == 1, "the gap, published when the pull ends");
        var gap = rig.Context.Outbox.Of<StreamGapOccurred>().Single();
        Assert.Null(gap.Until);
        Assert.True(gap.Reconnects >= 3);
        Assert.Single(rig.Context.Outbox.Of<CameraWentOffline>());
    }
}
