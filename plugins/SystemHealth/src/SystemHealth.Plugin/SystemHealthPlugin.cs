using System.Globalization;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.SystemHealth;

/// <summary>
/// Samples the board every <c>intervalSeconds</c> (reading /proc and /sys/class/thermal, read-only),
/// publishes <see cref="SystemHealthSampled"/>, reports health, and answers <c>GET /plugins/appliance.system-health/status</c>.
/// </summary>
public sealed class SystemHealthPlugin : IPlugin
{
    private HealthSample? _last;
    private (long Busy, long Total)? _lastCpu;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(context.Config.GetProperty("intervalSeconds").GetInt32());
        var memoryWarn = context.Config.GetProperty("memoryWarnPercent").GetInt32();
        var temperatureWarn = context.Config.GetProperty("temperatureWarnCelsius").GetDouble();
        context.Routes.Map("GET", "status", (_, _) => Task.FromResult(_last is { } s
            ? PluginHttpResponse.Json(JsonSerializer.Serialize(s, JsonSerializerOptions.Web))
            : PluginHttpResponse.Json("""{"pending":true}""", 200)));
        _lastCpu = ReadCpu();
        context.RunBackground("sampler", async ct =>
        {
            using var timer = new PeriodicTimer(interval, context.Time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                var sample = Sample();
                _last = sample;
                await context.Events.PublishAsync(new SystemHealthSampled(sample.CpuPercent, sample.MemoryUsedBytes, sample.MemoryTotalBytes, sample.TemperatureCelsius, sample.UptimeSeconds), ct);
                var problems = new List<string>();
                if (sample.MemoryPercent >= memoryWarn) problems.Add($"memory {sample.MemoryPercent:0}% used (warn at {memoryWarn}%)");
                if (sample.TemperatureCelsius >= temperatureWarn) problems.Add($"board at {sample.TemperatureCelsius:0.#} °C (warn at {temperatureWarn} °C)");
                context.Health.Report("board", problems.Count == 0 ? HealthState.Healthy : HealthState.Degraded,
                    problems.Count == 0 ? $"CPU {sample.CpuPercent:0.#} % (all cores, last {interval.TotalSeconds:0} s), memory {sample.MemoryPercent:0} %" : string.Join("; ", problems));
            }
        });
        context.Health.Report("board", HealthState.Healthy, "sampling every " + interval.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private HealthSample Sample()
    {
        var cpu = ReadCpu();
        var percent = 0.0;
        if (cpu is { } now && _lastCpu is { } before && now.Total > before.Total)
            percent = Math.Round(100.0 * (now.Busy - before.Busy) / (now.Total - before.Total), 1);
        _lastCpu = cpu;
        var memory = ProcText.ParseMemory(ReadText("/proc/meminfo")) ?? (0, 0);
        var uptimeText = ReadText("/proc/uptime").Split(' ')[0];
        double.TryParse(uptimeText, NumberStyles.Float, CultureInfo.InvariantCulture, out var uptime);
        return new HealthSample(percent, memory.Total - memory.Available, memory.Total, ReadTemperature(), uptime);
    }

    private static (long Busy, long Total)? ReadCpu() => ProcText.ParseCpu(ReadText("/proc/stat"));

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static double? ReadTemperature()
    {
        if (!Directory.Exists("/sys/class/thermal")) return null;
        double? hottest = null;
        foreach (var zone in Directory.EnumerateDirectories("/sys/class/thermal", "thermal_zone*"))
            if (long.TryParse(ReadText(Path.Combine(zone, "temp")).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                hottest = Math.Max(hottest ?? double.MinValue, milli / 1000.0);
        return hottest;
    }
}
