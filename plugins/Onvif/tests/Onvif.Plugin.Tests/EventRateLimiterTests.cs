using Appliance.Plugins.Onvif.Plugin.Cameras;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

public class EventRateLimiterTests
{
    [Fact]
    public void AFloodIsCutToTheBurstThenToTheRateAndThePullLoopIsToldToPause()
    {
        var time = new FakeTimeProvider();
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
