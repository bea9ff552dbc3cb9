using Appliance.Plugins.Onvif.Simulator;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// Two independent ONVIF clients (npm <c>onvif</c> 0.8.3 and <c>node-onvif</c> 0.1.7) against the facade on loopback:
/// device information, profiles per hub stream, stream URIs on the RTSP server, and a pull-point subscription that
/// receives events published on the bus. npm onvif sends WS-Security PasswordDigest first and answers the Digest challenge.
/// </summary>
public sealed class FacadePeerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private FacadeRig _rig = null!;

    public async Task InitializeAsync()
    {
        await NodePeer.EnsureInstalledAsync();
        _rig = await FacadeRig.StartAsync(rtspPort: 8654);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task NpmOnvifGetsEveryCamerasProfilesAndStreamUris()
    {
        await using var peer = NodePeer.Start(null, "node", "facade-onvif.js", "connect", "127.0.0.1", _rig.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "viewer", "viewer-pass");
        var result = await peer.NextJsonAsync(Patience);
        Assert.Equal("Appliance", result.GetProperty("manufacturer").GetString());
        Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], result.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        var uris = result.GetProperty("streamUris");
        Assert.Equal("rtsp://127.0.0.1:8654/camera/lobby", uris.GetProperty("p_lobby").GetString());
        Assert.Equal("rtsp://127.0.0.1:8654/camera/lobby/sd", uris.GetProperty("p_lobby_sd").GetString());
        Assert.Equal("rtsp://127.0.0.1:8654/camera/yard", uris.GetProperty("p_yard").GetString());
        Assert.True(result.GetProperty("media2").GetBoolean(), "GetServices lists Media2");
    }

    /// <summary>
    /// node-onvif 0.1.7 authenticates its SOAP requests only with a WS-Security PasswordDigest token and never answers an
    /// HTTP Digest challenge (its http-auth module serves snapshot downloads only). A PasswordDigest needs the clear
    /// password, which the appliance does not keep: before an admin sets an ONVIF password for the user, node-onvif reaches
    /// the open operations and is refused with a fault that says why; with it, node-onvif reads the profiles and stream
    /// URIs; after the password is removed it is refused again.
    /// </summary>
    [Fact]
    public async Task NodeOnvifLogsInOnlyWhileTheUserHasAnOnvifPassword()
    {
        await using (var before = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", _rig.DeviceService.ToString(), "viewer", "onvif-secret"))
        {
            Assert.Equal(2, await before.ExitAsync(Patience));
            Assert.Contains("401 Unauthorized - Sender not Authorized: PasswordDigest needs the clear password", before.Error, StringComparison.Ordinal);
        }

        var put = await _rig.Context.RouteTable.InvokeAsync("PUT", Appliance.Plugins.Onvif.Plugin.Facade.WsSecurityUserRoutes.Item, new() { ["user"] = "viewer" }, """{"password":"onvif-secret"}""");
        Assert.Equal(200, put.StatusCode);
        await using (var peer = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", _rig.DeviceService.ToString(), "viewer", "onvif-secret"))
        {
            var result = await peer.NextJsonAsync(Patience);
            Assert.Equal("Appliance", result.GetProperty("manufacturer").GetString());
            var profiles = result.GetProperty("profiles").EnumerateArray().ToList();
            Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], profiles.Select(p => p.GetProperty("token").GetString()));
            Assert.Equal("rtsp://127.0.0.1:8654/camera/lobby", profiles[0].GetProperty("rtsp").GetString());
            Assert.Equal("rtsp://127.0.0.1:8654/camera/yard", profiles[2].GetProperty("rtsp").GetString());
            Assert.Equal(0, await peer.ExitAsync(Patience));
        }

        var delete = await _rig.Context.RouteTable.InvokeAsync("DELETE", Appliance.Plugins.Onvif.Plugin.Facade.WsSecurityUserRoutes.Item, new() { ["user"] = "viewer" });
        Assert.Equal(200, delete.StatusCode);
        await using (var after = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", _rig.DeviceService.ToString(), "viewer", "onvif-secret"))
        {
            Assert.Equal(2, await after.ExitAsync(Patience));
            Assert.Contains("PasswordDigest needs the clear password", after.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("MotionAlarm")]
    [InlineData("SignalLoss")]
    public async Task APullPointSubscriberReceivesBusEvents(string topic)
    {
        await using var peer = NodePeer.Start(null, "node", "facade-onvif.js", "events", "127.0.0.1", _rig.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "operator", "operator-pass", topic);
        var subscribed = await peer.NextJsonAsync(Patience);
        Assert.True(subscribed.GetProperty("subscribed").GetBoolean());
        // An event of another type first: it must not be taken for the one asked.
        await _rig.Context.Outbox.DeliverToSubscribersAsync(new DeviceDiscovered(new Appliance.Abstractions.DiscoveredDevice("x", "mdns", [], [], null, null, null, new Dictionary<string, string>(), DateTimeOffset.UtcNow)));
        if (topic == "MotionAlarm") await _rig.Context.Outbox.DeliverToSubscribersAsync(new MotionDetected("lobby", "media", true, ["door"]));
        else await _rig.Context.Outbox.DeliverToSubscribersAsync(new CameraWentOffline("yard", "no media for 10 s"));
        var notification = await peer.NextJsonAsync(Patience);
        var source = notification.GetProperty("source").EnumerateArray().Single();
        var data = notification.GetProperty("data").EnumerateArray().Single();
        Assert.Equal($"tns1:VideoSource/{topic}", notification.GetProperty("topic").GetString());
        Assert.Equal(topic == "MotionAlarm" ? "vs_lobby" : "vs_yard", source.GetProperty("Value").GetString());
        Assert.Equal("State", data.GetProperty("Name").GetString());
        // npm onvif turns "true" into a JSON boolean.
        Assert.True(data.GetProperty("Value").ValueKind == System.Text.Json.JsonValueKind.True || data.GetProperty("Value").GetString() == "true", data.ToString());
    }
}
