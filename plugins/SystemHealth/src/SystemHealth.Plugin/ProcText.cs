using System.Globalization;

namespace Appliance.Plugins.SystemHealth;

/// <summary>Parsers of the /proc files the plugin samples; they return null on text of an unexpected shape.</summary>
public static class ProcText
{
    /// <summary>(busy, total) jiffies from the first line of /proc/stat, or null if it is not the expected shape.</summary>
    public static (long Busy, long Total)? ParseCpu(string procStat)
    {
        var line = procStat.Split('\n').FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null) return null;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        if (fields.Length < 4) return null;
        var values = new long[fields.Length];
        for (var i = 0; i < fields.Length; i++)
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i])) return null;
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        var total = values.Sum();
        return (total - idle, total);
    }

    /// <summary>(total, available) bytes from /proc/meminfo, or null.</summary>
    public static (long Total, long Available)? ParseMemory(string meminfo)
    {
        long? total = null, available = null;
        foreach (var line in meminfo.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb)) continue;
            if (parts[0] == "MemTotal:") total = kb * 1024;
            else if (parts[0] == "MemAvailable:") available = kb * 1024;
        }
        return total is { } t && available is { } a && a <= t ? (t, a) : null;
    }
}
