using System.Diagnostics;
using System.Globalization;
using Appliance.Benchmarking;
using Appliance.Host.Configuration;
using Appliance.Isolation.Tests;

// One `bench:` line per figure (BenchReport); exit 1 when a target is NOT met. --smoke: every path once, briefly,
// no verdicts. Optional: seconds per CPU measurement (default 20) and number of restarts (default 20).
var report = BenchReport.FromArgs(args);
var numbers = args.Where(a => !a.StartsWith('-')).ToArray();
var seconds = report.Smoke ? 2 : numbers.Length > 0 && double.TryParse(numbers[0], CultureInfo.InvariantCulture, out var secs) ? secs : 20;
var restarts = report.Smoke ? 2 : numbers.Length > 1 && int.TryParse(numbers[1], CultureInfo.InvariantCulture, out var count) ? count : 20;

// 1. One stream, the same probe plugin in-process and isolated: CPU per frame of the host process plus the child.
var inProcess = await MeasureAsync("in-process", 1, seconds);
var isolated = await MeasureAsync("process", 1, seconds);
report.Add(new BenchFigure("isolation.subscriber_cpu_per_frame_in_process", inProcess.PerFrameMicros, "us", null, null));
report.Add(new BenchFigure("isolation.subscriber_cpu_per_frame_isolated", isolated.PerFrameMicros, "us",
    isolated.PerFrameMicros / inProcess.PerFrameMicros, 1.5, TargetIsRatio: true));

// 2. 32 streams into one isolated plugin: the bridge's CPU (host pumps + child readers, above the publishers alone).
var many = await MeasureAsync("process", report.Smoke ? 4 : 32, seconds);
report.Add(new BenchFigure($"isolation.bridge_cpu_{(report.Smoke ? 4 : 32)}_streams", many.PercentOfCore, "%core", null, 10));

// 3. Restart after SIGSEGV.
var times = await RestartTimesAsync(restarts);
times.Sort();
report.Add(new BenchFigure("isolation.restart_after_sigsegv_p50", times[(int)Math.Round(0.50 * (times.Count - 1))], "ms", null, null));
report.Add(new BenchFigure("isolation.restart_after_sigsegv_p99", times[(int)Math.Round(0.99 * (times.Count - 1))], "ms", null, 2000));
return report.ExitCode();

static async Task<(double PerFrameMicros, double PercentOfCore)> MeasureAsync(string isolation, int streams, double seconds)
{
    // Publishers alone first (the baseline every figure is above), then with the probe subscribed to every stream.
    await using var h = await IsolationHarness.StartAsync(new() { ["bench.probe"] = new IsolationOverride { Mode = isolation } });
    var cameras = Enumerable.Range(0, streams).Select(i => new SyntheticCamera(h.Hub, $"camera/b{i}", consume: false)).ToList();
    await Task.Delay(2000);
    var baseline = await CpuOverAsync([], seconds / 2);
    // One plugin reads every stream: stream 0 by its checking loop, the rest through its "also" setting.
    var also = string.Join(",", Enumerable.Range(1, streams - 1).Select(i => $"camera/b{i}"));
    var error = (await h.InstallProbeAsync("bench.probe", "camera/b0", isolation: isolation, also: also)).Failure?.Message;
    if (error is not null) throw new InvalidOperationException(error);
    await IsolationHarness.Eventually(() => h.ProbeStatusAsync("bench.probe"), s => s is { Received: > 25 }, what: "probe reading");
    await Task.Delay(1000);
    var pid = (await h.ProbeStatusAsync("bench.probe"))!.Value.Pid;
    var child = pid == Environment.ProcessId ? Array.Empty<int>() : [pid];
    var framesBefore = cameras.Sum(c => c.Written);
    var loaded = await CpuOverAsync(child, seconds);
    var frames = cameras.Sum(c => c.Written) - framesBefore;
    foreach (var c in cameras) await c.DisposeAsync();
    var extra = loaded.CpuSeconds / loaded.Wall - baseline.CpuSeconds / baseline.Wall; // cores used by subscribing
    var perFrame = extra * loaded.Wall / Math.Max(1, frames) * 1e6;
    return (perFrame, extra * 100);
}

static async Task<(double CpuSeconds, double Wall)> CpuOverAsync(int[] children, double seconds)
{
    var before = Cpu(children);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    return (Cpu(children) - before, clock.Elapsed.TotalSeconds);
}

static double Cpu(int[] children)
{
    var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    foreach (var pid in children)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        self += (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime + stime, clock ticks (USER_HZ 100)
    }
    return self;
}

static async Task<List<double>> RestartTimesAsync(int count)
{
    await using var h = await IsolationHarness.StartAsync();
    await using var camera = new SyntheticCamera(h.Hub, "camera/r");
    var error = (await h.InstallProbeAsync("bench.crashy", "camera/r")).Failure?.Message;
    if (error is not null) throw new InvalidOperationException(error);
    var times = new List<double>();
    for (var i = 0; i < count; i++)
    {
        var before = (await IsolationHarness.Eventually(() => h.ProbeStatusAsync("bench.crashy"), s => s is { Received: > 0 }, what: "probe up"))!.Value;
        if (i > 0 && i % 4 == 0)
        {
            // Five crashes in a minute quarantine a plugin; a restart by the user starts a fresh crash history.
            await h.Manager.RestartAsync("bench.crashy", CancellationToken.None);
            before = (await IsolationHarness.Eventually(() => h.ProbeStatusAsync("bench.crashy"), s => s is { Received: > 0 }, what: "probe up"))!.Value;
        }
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();
        // SIGSEGV from a native fault in the child (libc strlen(NULL)); a sent SIGSEGV is absorbed by the .NET runtime.
        await File.WriteAllTextAsync(Path.Combine(h.PluginData("bench.crashy"), "crash"), "fault");
        await IsolationHarness.Eventually(() => h.ProbeStatusAsync("bench.crashy"), s => s is { } v && v.Pid != before.Pid && v.Received > 0, what: "probe back");
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return times;
}
