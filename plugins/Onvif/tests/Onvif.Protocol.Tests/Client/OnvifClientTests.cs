using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Client;
using Appliance.Plugins.Onvif.Protocol.Events;
using Appliance.Plugins.Onvif.Protocol.Ptz;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Client;

/// <summary>The client against the simulated camera over real HTTP on loopback.</summary>
public class OnvifClientTests
{
    private static OnvifClient Client(OnvifCameraSimulator camera, string? password = null, bool wsSecurity = true) =>
        new(new SoapHttpClient(new HttpClient(), new OnvifCredentials(camera.Options.Username, password ?? camera.Options.Password), TimeProvider.System,
            new SoapClientOptions { UseWsSecurity = wsSecurity }), camera.DeviceServiceUri);

    [Fact]
    public async Task ClockSkewIsCompensatedFromGetSystemDateAndTime()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { ClockOffset = TimeSpan.FromHours(-3) });
        var client = Client(camera);
        var before = await client.GetDeviceInformationAsync();
        Assert.Equal(ErrorKind.NotAuthorized, before.Failure!.Code);
        Assert.Contains("from the camera clock", before.Failure.Message);

        var cameraTime = (await client.SynchronizeClockAsync()).Value;
        Assert.InRange(cameraTime, DateTimeOffset.UtcNow.AddHours(-3).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(-3).AddMinutes(1));
        Assert.InRange(client.Soap.Clock.Offset, TimeSpan.FromHours(-3) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(-3) + TimeSpan.FromSeconds(5));
        var info = (await client.GetDeviceInformationAsync()).Value;
        Assert.Equal("SimCam-100", info.Model);
    }

    [Fact]
    public async Task WrongPasswordIsNotAuthorized()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());
        var client = Client(camera, password: "wrong");
        await client.SynchronizeClockAsync();
        var error = (await client.GetDeviceInformationAsync()).Failure!;
        Assert.Equal(ErrorKind.NotAuthorized, error.Code);
        Assert.Contains("password digest mismatch", error.Message);
        Assert.Equal(1, camera.AuthenticationFailures);
    }

    [Fact]
    public async Task HttpDigestIsAnsweredWhenTheCameraDemandsIt()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { RequireHttpDigest = true });
        var client = Client(camera, wsSecurity: false);
        Assert.Equal("Appliance Test", (await client.GetDeviceInformationAsync()).Value.Manufacturer);
        var services = (await client.GetServiceAddressesAsync()).Value;
        Assert.Equal("profile_main", (await client.GetProfilesAsync(services.Media!)).Value[0].Token);
        Assert.Equal(1, camera.AuthenticationFailures);
    }

    [Fact]
    public async Task HttpDigestWithAWrongPasswordFailsOnceNotForever()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { RequireHttpDigest = true });
        var error = (await Client(camera, password: "wrong", wsSecurity: false).GetDeviceInformationAsync()).Failure!;
        Assert.Equal(ErrorKind.NotAuthorized, error.Code);
        Assert.Contains("Digest credentials refused", error.Message);
        Assert.Equal(2, camera.AuthenticationFailures);
    }

    [Fact]
    public async Task StreamUriViaMedia2WithRtspPortOverride()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/cam1" });
        var client = Client(camera);
        await client.SynchronizeClockAsync();
        var services = (await client.GetServiceAddressesAsync()).Value;
        var resolved = await StreamUriResolver.ResolveAsync(client, services, "SubStream", 10554);
        Assert.True(resolved.IsOk, resolved.ToString());
        var stream = resolved.Value;
        Assert.True(stream.ViaMedia2);
        Assert.Equal("profile_sub", stream.Profile.Token);
        Assert.Equal("rtsp://127.0.0.1:10554/cam1", stream.StreamUri.ToString());
        Assert.Contains("Media2/GetStreamUri profile_sub", camera.Calls);
    }

    [Fact]
    public async Task StreamUriViaMediaWhenTheCameraHasNoMedia2()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { Media2 = false, StreamUri = "rtsp://127.0.0.1:8554/cam2" });
        var client = Client(camera);
        await client.SynchronizeClockAsync();
        var services = (await client.GetServiceAddressesAsync()).Value;
        Assert.Null(services.Media2);
        var stream = (await StreamUriResolver.ResolveAsync(client, services, null, null)).Value;
        Assert.False(stream.ViaMedia2);
        Assert.Equal("rtsp://127.0.0.1:8554/cam2", stream.StreamUri.ToString());
        Assert.Equal("http://" + camera.BaseUri.Authority + "/snapshot/profile_main.jpg",
            (await client.GetSnapshotUriAsync(services.Media!, "profile_main")).Value.ToString());
        var unknown = await StreamUriResolver.ResolveAsync(client, services, "nope", null);
        Assert.Contains("\"nope\" not found", unknown.Failure!.Message);
    }

    [Fact]
    public async Task PtzMoveStopAndPresets()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());
        var client = Client(camera);
        await client.SynchronizeClockAsync();
        var ptz = (await client.GetServiceAddressesAsync()).Value.Ptz!;
        Assert.True((await client.ContinuousMoveAsync(ptz, "profile_main", new PtzVelocity(0.5, -0.5, 0.1), TimeSpan.FromSeconds(1))).Value);
        Assert.True((await client.StopAsync(ptz, "profile_main")).Value);
        Assert.Equal(["Entrance", "Parking"], (await client.GetPresetsAsync(ptz, "profile_main")).Value.Select(p => p.Name));
        var token = (await client.SetPresetAsync(ptz, "profile_main", "Door")).Value;
        Assert.True((await client.GotoPresetAsync(ptz, "profile_main", token)).Value);
        Assert.Equal(ErrorKind.SoapFault, (await client.GotoPresetAsync(ptz, "profile_main", "missing")).Failure!.Code);
        Assert.Contains("PTZ/ContinuousMove profile_main pan=0.5 tilt=-0.5 zoom=0.1", camera.Calls);
        Assert.Contains($"PTZ/GotoPreset profile_main {token}", camera.Calls);
        Assert.Contains("outside", (await client.ContinuousMoveAsync(ptz, "profile_main", new PtzVelocity(2, 0, 0), null)).Failure!.Message);
    }

    [Fact]
    public async Task PullPointSubscriptionDeliversClassifiedEvents()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions());
        var client = Client(camera);
        await client.SynchronizeClockAsync();
        var events = (await client.GetServiceAddressesAsync()).Value.Events!;
        var subscription = (await client.CreatePullPointSubscriptionAsync(events, TimeSpan.FromSeconds(60))).Value;
        Assert.Equal(1, camera.ActiveSubscriptions);

        camera.RaiseEvent("tns1:RuleEngine/CellMotionDetector/Motion",
            new Dictionary<string, string> { ["VideoSourceConfigurationToken"] = "vsc_1", ["Rule"] = "MyMotion" },
            new Dictionary<string, string> { ["IsMotion"] = "true" });
        camera.RaiseEvent("tns1:VideoSource/GlobalSceneChange/ImagingService",
            new Dictionary<string, string> { ["Source"] = "vs_1" }, new Dictionary<string, string> { ["State"] = "true" });
        var received = new List<NotificationMessage>();
        for (var i = 0; i < 10 && received.Count < 2; i++)
            received.AddRange((await client.PullMessagesAsync(subscription, TimeSpan.FromSeconds(5), 10)).Value.Messages);
        var kinds = received.Select(EventClassifier.Classify).ToList();
        Assert.Equal([CameraEventKind.Motion, CameraEventKind.Tamper], kinds.Select(k => k.Kind));
        Assert.All(kinds, k => Assert.True(k.Active));

        Assert.NotNull((await client.RenewAsync(subscription, TimeSpan.FromSeconds(120))).Value);
        Assert.True((await client.UnsubscribeAsync(subscription)).Value);
        Assert.Equal(0, camera.ActiveSubscriptions);
        Assert.False((await client.PullMessagesAsync(subscription, TimeSpan.FromSeconds(1), 10)).IsOk);
    }

    [Fact]
    public async Task UnreachableCameraIsATransportError()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new OnvifClient(new SoapHttpClient(new HttpClient(), null, TimeProvider.System), new Uri($"http://127.0.0.1:{port}/onvif/device_service"));
        var error = (await client.GetDeviceInformationAsync()).Failure!;
        Assert.Equal(ErrorKind.Transport, error.Code);
    }
}
