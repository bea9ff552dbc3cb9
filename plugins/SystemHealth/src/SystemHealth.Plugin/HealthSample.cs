namespace Appliance.Plugins.SystemHealth;

/// <summary>One reading of the board. Parsing is separate from reading so it can be tested on any text.</summary>
public sealed record HealthSample(double CpuPercent, long MemoryUsedBytes, long MemoryTotalBytes, double? TemperatureCelsius, double UptimeSeconds)
{
    public double MemoryPercent => MemoryTotalBytes == 0 ? 0 : 100.0 * MemoryUsedBytes / MemoryTotalBytes;
}
