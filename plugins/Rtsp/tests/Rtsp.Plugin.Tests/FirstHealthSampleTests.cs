using Appliance.Abstractions.Events;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>A new camera's stream health is reported when its pull starts, not one sampling period later.</summary>
public sealed class FirstHealthSampleTests
{
    [Fact]
    public async Task ANewCamerasFirstHealth_IsReportedAndPublishedAtStart_LongBeforeTheFirstPeriodEnds()
    {
        // A 10-minute period: within the rig's patience only the sample taken at start can arrive.
        var config = PluginRig.FastConfig.Replace("\"healthIntervalSeconds\":0.5", "\"healthIntervalSeconds\":600");
        var rig = await PluginRig.StartAsync(config, cameras: PluginRig.Camera("cam1", "rtsp://127.0.0.1:9/not-watched"));
        try
        {
            await PluginRig.Until(() => rig.Cameras.Health.ContainsKey("cam1"), "the first stream health of cam1");
            await PluginRig.Until(() => rig.Context.Outbox.Of<StreamHealthMeasured>().Any(e => e.CameraId == "cam1"), "the first StreamHealthMeasured of cam1");
            var first = rig.Context.Outbox.Of<StreamHealthMeasured>().First(e => e.CameraId == "cam1").Health;
            Assert.Contains(first.State, new[] { "connecting", "idle" }); // nobody watches the camera yet, so it is not pulled
            Assert.Equal(0, first.Reconnects);
        }
        finally
        {
            await rig.DisposeAsync();
        }
        Assert.Empty(rig.Context.BackgroundFailures);
    }
}
