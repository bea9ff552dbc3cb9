using Appliance.Host.SystemServices;

namespace Appliance.Host.Tests;

/// <summary>
/// Issue 15 item 8: the Overview's CPU figure is all cores' busy share over the last 30 s of /proc/stat readings,
/// not the time between two page loads (which gave 0.0 % on the first load while the board was at 94.6 %).
/// </summary>
public sealed class CpuWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheFigureCoversTheLast30Seconds_NotJustTheLastTwoReadings()
    {
        var window = new CpuWindow();
        Assert.Equal(0, window.Percent()); // one reading is no interval
        window.Add(Start, busy: 0, total: 0);
        // 30 s at 90 % busy, read every 5 s, then 5 s idle.
        for (var i = 1; i <= 6; i++) window.Add(Start.AddSeconds(5 * i), busy: 450 * i, total: 500 * i);
        Assert.Equal(90.0, window.Percent());
        window.Add(Start.AddSeconds(35), busy: 2700, total: 3500);
        // Over the last 30 s: 25 s at 90 % and 5 s idle.
        Assert.Equal(75.0, window.Percent());
    }

    [Fact]
    public void CountersThatGoBackStartAFreshWindow()
    {
        var window = new CpuWindow();
        window.Add(Start, 1000, 2000);
        window.Add(Start.AddSeconds(5), 1400, 2500);
        window.Add(Start.AddSeconds(10), 10, 100); // a bad read or new counters: no negative or huge figure
        Assert.Equal(0, window.Percent());
        window.Add(Start.AddSeconds(15), 60, 200);
        Assert.Equal(50.0, window.Percent());
    }

    [Fact]
    public void BusyAboveTotal_IsCappedAt100()
    {
        var window = new CpuWindow();
        window.Add(Start, 0, 0);
        window.Add(Start.AddSeconds(5), 900, 500);
        Assert.Equal(100.0, window.Percent());
    }
}
