using Appliance.Plugins.Onvif.Plugin.Cameras;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

public class EventRateLimiterTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Fact]
    public void AFloodIsCutToTheBurstThenToTheRateAndThePullLoopIsToldToPause()
    {
        var time = new ManualTime();
        var limiter = new EventRateLimiter(time, perSecond: 20, burst: 64);
        Assert.Equal(TimeSpan.Zero, limiter.PauseBeforeNextPull());
        var passed = Enumerable.Range(0, 1024).Count(_ => limiter.TryTake());
        Assert.Equal(64, passed);
        Assert.Equal(960, limiter.Dropped);
        Assert.True(limiter.PauseBeforeNextPull() >= TimeSpan.FromSeconds(1), "no immediate re-poll while the budget is spent");

        time.Advance(TimeSpan.FromSeconds(2));
        passed = Enumerable.Range(0, 1024).Count(_ => limiter.TryTake());
        Assert.Equal(40, passed); // 2 s at 20/s
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.Zero, limiter.PauseBeforeNextPull());
        Assert.Equal(64, Enumerable.Range(0, 1024).Count(_ => limiter.TryTake())); // refills to the burst, not beyond
    }
}
