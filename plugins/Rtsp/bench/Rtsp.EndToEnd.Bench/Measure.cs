using System.Diagnostics;

namespace Appliance.Plugins.Rtsp.EndToEnd.Bench;

/// <summary>CPU over a wall-clock window, as a percentage of one core (100 = one core busy all the window).</summary>
public static class Measure
{
    public static async Task<double> CpuPercentAsync(Func<double> cpuSeconds, TimeSpan window)
    {
        var before = cpuSeconds();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = cpuSeconds();
        return 100 * (after - before) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Waits until a process has finished its start-up work (JIT, tiered recompilation, first timers): two one-second
    /// slices in a row under <paramref name="quietPercent"/>, or <paramref name="atMost"/>. Returns the last slice.
    /// </summary>
    public static async Task<double> QuietAsync(Func<double> cpuSeconds, double quietPercent, TimeSpan atMost)
    {
        var clock = Stopwatch.StartNew();
        var quiet = 0;
        var last = double.NaN;
        while (quiet < 2 && clock.Elapsed < atMost)
        {
            last = await CpuPercentAsync(cpuSeconds, TimeSpan.FromSeconds(1));
            quiet = last < quietPercent ? quiet + 1 : 0;
        }
        return last;
    }
}
