using Appliance.Plugins.Onvif.Plugin.Discovery;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

public class ResolveBudgetTests
{
    [Fact]
    public void OneResolvePerDevicePerWindowAndAFloodOfForgedDevicesIsCapped()
    {
        var time = new FakeTimeProvider();
        var budget = new ResolveBudget(time);
        Assert.True(budget.TryTake("urn:uuid:cam"));
        Assert.False(budget.TryTake("urn:uuid:cam"));
        var flood = Enumerable.Range(0, 1000).Count(i => budget.TryTake($"urn:uuid:forged-{i}"));
        Assert.Equal(ResolveBudget.MaxPerWindow - 1, flood);
        Assert.Equal(1000 - flood + 1, budget.Refused);

        time.Advance(ResolveBudget.Window);
        Assert.True(budget.TryTake("urn:uuid:cam"));
        Assert.Equal(ResolveBudget.MaxPerWindow - 1, Enumerable.Range(0, 1000).Count(i => budget.TryTake($"urn:uuid:forged-{i}")));
    }
}
