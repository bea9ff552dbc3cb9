using System.Diagnostics;
using System.Globalization;

namespace Appliance.Host.SystemServices;

/// <summary>What the Overview page shows about the box: version, uptime, CPU, memory, disk, temperature.</summary>
public sealed record SystemSnapshot(
    string Version,
    string Hostname,
    double HostUptimeSeconds,
    double ProcessUptimeSeconds,
    double CpuPercent,
    long MemoryTotalBytes,
    long MemoryAvailableBytes,
    long ProcessRssBytes,
    long DiskTotalBytes,
    long DiskFreeBytes,
    double? TemperatureCelsius,
    int ProcessId);

/// <summary>Reads /proc and /sys. CPU use is all cores' busy share over the last 30 s (<see cref="CpuWindow"/>).</summary>
public sealed class SystemInfo(Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions> options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly CpuWindow _cpu = new();

    public static string Version => typeof(SystemInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public SystemSnapshot Sample()
    {
        var (memTotal, memAvailable) = ReadMemInfo();
        var data = options.Value.DataPath();
        Directory.CreateDirectory(data);
        var drive = new DriveInfo(data);
        return new SystemSnapshot(
            Version,
            Environment.MachineName,
            ReadUptime(),
            (time.GetUtcNow() - new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime())).TotalSeconds,
            SampleCpu(),
            memTotal,
            memAvailable,
            Environment.WorkingSet,
            drive.TotalSize,
            drive.AvailableFreeSpace,
            ReadTemperature(),
            Environment.ProcessId);
    }

    /// <summary>Reads the CPU counters into the window (<see cref="CpuSampler"/> calls it every few seconds).</summary>
    public void SampleCpuCounters()
    {
        if (ReadCpu() is not { } now) return;
        lock (_gate) _cpu.Add(time.GetUtcNow(), now.Busy, now.Total);
    }

    /// <summary>All cores' busy share over the last <see cref="CpuWindow.Seconds"/> s, read now as well.</summary>
    private double SampleCpu()
    {
        SampleCpuCounters();
        lock (_gate) return _cpu.Percent();
    }

    private static (long Busy, long Total)? ReadCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = values[3] + (values.Length > 4 ? values[4] : 0);
            var total = values.Sum();
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static (long Total, long Available) ReadMemInfo()
    {
        long total = 0, available = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kb(line);
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kb(line);
            }
        }
        catch (IOException)
        {
        }
        return (total, available);

        static long Kb(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static double ReadUptime()
    {
        try
        {
            var text = File.ReadAllText("/proc/uptime").Split(' ')[0];
            return double.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return Environment.TickCount64 / 1000.0;
        }
    }

    /// <summary>The hottest thermal zone the board exposes (Jetson boards have several), or null.</summary>
    private static double? ReadTemperature()
    {
        try
        {
            if (!Directory.Exists("/sys/class/thermal")) return null;
            double? hottest = null;
            foreach (var zone in Directory.EnumerateDirectories("/sys/class/thermal", "thermal_zone*"))
            {
                var file = Path.Combine(zone, "temp");
                if (!File.Exists(file)) continue;
                if (long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                    hottest = Math.Max(hottest ?? double.MinValue, milli / 1000.0);
            }
            return hottest;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static long ProcessRss() => Process.GetCurrentProcess().WorkingSet64;
}

/// <summary>Reads the CPU counters every 5 s from the start, so the Overview's figure always covers a window.</summary>
public sealed class CpuSampler(SystemInfo system, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        do system.SampleCpuCounters();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
