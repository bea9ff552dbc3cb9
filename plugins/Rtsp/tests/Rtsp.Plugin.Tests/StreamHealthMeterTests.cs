using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>The health figures of one stream, on a clock the test moves by hand.</summary>
public sealed class StreamHealthMeterTests
{
    private const int Clock = 90000;
    private const long FrameTicks = Clock / 25;

    [Fact]
    public void FrameRateIsTheStreamsOwnEvenWhenFramesArriveInABurst()
    {
        var time = new FakeTimeProvider();
        var meter = new StreamHealthMeter(time);
        // Window 1: 50 frames at 25 fps, 1000 bytes each, spread over 2 s.
        for (var i = 0; i < 50; i++)
        {
            meter.OnUnit(true, Clock, i * FrameTicks, 1000, i == 0);
            time.Advance(TimeSpan.FromMilliseconds(40));
        }
        var first = meter.Sample();
        Assert.Equal(25, first.Fps, 3);
        Assert.Equal(50 * 1000 * 8 / 2.0 / 1000, first.BitrateKbps, 3);

        // Window 2 (2 s): the network stalls, only 25 frames get through. Window 3 (2 s): the backlog of 75 frames.
        for (var i = 50; i < 75; i++) meter.OnUnit(true, Clock, i * FrameTicks, 1000, i % 50 == 0);
        time.Advance(TimeSpan.FromSeconds(2));
        var stalled = meter.Sample();
        for (var i = 75; i < 150; i++) meter.OnUnit(true, Clock, i * FrameTicks, 1000, i % 50 == 0);
        time.Advance(TimeSpan.FromSeconds(2));
        var burst = meter.Sample();
        Assert.Equal(25, stalled.Fps, 3);            // arrival rate: 12.5
        Assert.Equal(25, burst.Fps, 3);              // arrival rate: 37.5
        Assert.Equal(75 * 1000 * 8 / 2.0 / 1000, burst.BitrateKbps, 3);
        Assert.Equal(2.0, burst.KeyframeIntervalSeconds, 3);
    }

    [Fact]
    public void AWindowWithoutVideoReadsZeroAndAudioCountsOnlyForTheBitRate()
    {
        var time = new FakeTimeProvider();
        var meter = new StreamHealthMeter(time);
        meter.OnUnit(false, 16000, 0, 500, true);
        time.Advance(TimeSpan.FromSeconds(1));
        var sample = meter.Sample();
        Assert.Equal(0, sample.Fps);
        Assert.Equal(4, sample.BitrateKbps, 3);
        Assert.Null(sample.LastFrameAt);
    }

    [Fact]
    public void ASingleFrameOrATimestampStepBackFallsBackToTheArrivalRate()
    {
        var time = new FakeTimeProvider();
        var meter = new StreamHealthMeter(time);
        meter.OnUnit(true, Clock, 1_000_000, 100, true);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0.5, meter.Sample().Fps, 3);    // one frame, nothing to measure a span with

        // A new timeline that starts lower (a camera that restarted its clock): no negative or absurd rate.
        meter.OnUnit(true, Clock, 10, 100, true);
        meter.OnUnit(true, Clock, 10 + FrameTicks, 100, false);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(25, meter.Sample().Fps, 3);
    }
}
