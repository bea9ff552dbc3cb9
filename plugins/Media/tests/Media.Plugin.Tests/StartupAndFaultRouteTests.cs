using System.Text;
using System.Text.Json;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Appliance.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>
/// The <c>startup</c> route (where a start's time went) and the test-only <c>faults/native</c> route, which must
/// stay shut unless configured (the fault itself, which ends the process, is proven end to end in
/// <c>EndToEnd/GStreamerCameraTests</c> against an isolated media process).
/// </summary>
public sealed class StartupAndFaultRouteTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> None = new();

    [Fact]
    public async Task The_startup_route_lists_the_start_phases_in_order_up_to_a_cameras_first_frame()
    {
        var context = MediaContext.Create("{\"motion\":{\"enabled\":false}}");
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        context.SetCameras("porch");
        var file = Clips.Elementary(Clips.TempFolder("startup"), VideoFormat.H264, 320, 180, 1);
        await using (FileCamera.Start(context.Streams, "porch", file, VideoFormat.H264, loop: false))
            Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("porch")?.FramesDecoded > 0, TimeSpan.FromSeconds(60)));

        var startup = await context.HttpRoutes.CallAsync("GET", "startup", None);
        output.WriteLine(Encoding.UTF8.GetString(startup.Body));
        Assert.Equal(200, startup.Status);
        var json = JsonDocument.Parse(startup.Body).RootElement;
        Assert.Equal(Environment.ProcessId, json.GetProperty("pid").GetInt32());
        var phases = json.GetProperty("phases").EnumerateArray().Select(p => (Name: p.GetProperty("phase").GetString(), Ms: p.GetProperty("ms").GetDouble())).ToList();
        Assert.Equal(["plugin start", "ffmpeg loaded", "codecs probed", "started"], phases.Take(4).Select(p => p.Name));
        Assert.Contains(phases, p => p.Name == "camera/porch snapshot encoder ready");
        Assert.Contains(phases, p => p.Name == "camera/porch first frame");
        Assert.Equal(phases.Select(p => p.Ms).Order(), phases.Select(p => p.Ms));
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task The_native_fault_route_answers_404_while_fault_injection_is_off_as_by_default()
    {
        foreach (var config in new[] { "{}", "{\"faultInjection\":{\"enabled\":false}}" })
        {
            var context = MediaContext.Create(config);
            var plugin = new MediaPlugin();
            await plugin.StartAsync(context, CancellationToken.None);
            var fault = await context.HttpRoutes.CallAsync("POST", "faults/native", None);
            Assert.Equal(404, fault.Status);
            Assert.Contains("faultInjection.enabled", Encoding.UTF8.GetString(fault.Body));
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }
}
