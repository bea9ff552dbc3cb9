using System.Text;
using System.Text.Json;
using Appliance.Abstractions;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>The plugin's probe route, called as the host calls it, against a GStreamer camera and bad bodies.</summary>
public sealed class ProbeRouteTests
{
    private static async Task<(int Status, JsonElement Answer)> ProbeAsync(PluginRig rig, string body)
    {
        var (status, _, bytes) = await rig.Context.HttpRoutes.CallAsync("POST", "probe", body: body).WaitAsync(PluginRig.Patience);
        return (status, JsonDocument.Parse(Encoding.UTF8.GetString(bytes)).RootElement);
    }

    private static string Camera(string url, CameraOverrides? overrides = null, string? user = null, string? password = null) =>
        JsonSerializer.Serialize(new CameraInfo("probe", "probe", true, url, null, user, password, overrides ?? new CameraOverrides()), JsonSerializerOptions.Web);

    [Fact]
    public async Task AGoodCameraAnswersItsFactsOverTheAskedTransport()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360");
        await using var rig = await PluginRig.StartAsync();

        var (tcpStatus, tcp) = await ProbeAsync(rig, Camera(camera.Url));
        var (udpStatus, udp) = await ProbeAsync(rig, Camera(camera.Url, new CameraOverrides(RtspTransport: "udp")));

        Assert.Equal(200, tcpStatus);
        Assert.True(tcp.GetProperty("ok").GetBoolean(), tcp.ToString());
        Assert.Equal(("H264", 640, 360, 25.0, "tcp"), (tcp.GetProperty("codec").GetString(), tcp.GetProperty("width").GetInt32(),
            tcp.GetProperty("height").GetInt32(), tcp.GetProperty("fps").GetDouble(), tcp.GetProperty("transport").GetString()));
        Assert.Equal(200, udpStatus);
        Assert.Equal("udp", udp.GetProperty("transport").GetString());
        // Nothing of the probe stays: no pull was started for it.
        Assert.Empty(rig.Plugin.Pulls);
    }

    [Fact]
    public async Task AnAutomaticTransportFallsBackToUdpWhenTcpIsRefused()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180 --protocols udp");
        await using var rig = await PluginRig.StartAsync();

        var (_, answer) = await ProbeAsync(rig, Camera(camera.Url));

        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("udp", answer.GetProperty("transport").GetString());
    }

    [Fact]
    public async Task AWrongPathAnswersThePathReason()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180");
        await using var rig = await PluginRig.StartAsync();

        var (status, answer) = await ProbeAsync(rig, Camera(camera.Url + "-missing"));

        Assert.Equal(200, status);
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Equal(("path", "DESCRIBE: 404 Not Found"), (answer.GetProperty("code").GetString(), answer.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\"}")]
    [InlineData("{\"streamUri\":\"rtsp://127.0.0.1/cam\",\"timeoutSeconds\":500}")]
    [InlineData("{\"streamUri\":42}")]
    public async Task ABodyThatIsNotACameraIsA400(string body)
    {
        await using var rig = await PluginRig.StartAsync();
        var (status, answer) = await ProbeAsync(rig, body);
        Assert.Equal(400, status);
        Assert.Equal("malformed", answer.GetProperty("code").GetString());
    }
}
