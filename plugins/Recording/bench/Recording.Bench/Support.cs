using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.Bench;

/// <summary>Bytes this process handed to write() so far (<c>wchar</c> of /proc/self/io): segments and the SQLite index alike.</summary>
internal static class ProcIo
{
    public static long WrittenBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
            if (line.StartsWith("wchar:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException("/proc/self/io has no wchar");
    }
}

/// <summary>The recorders' logger and health sink in the benchmark: nothing to show.</summary>
internal sealed class QuietLog : IPluginLogger
{
    public bool IsEnabled(PluginLogLevel level) => false;

    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args)
    {
    }
}

internal sealed class QuietHealth : IHealthReporter
{
    public void Report(string component, HealthState state, string message)
    {
    }

    public void Clear(string component)
    {
    }
}
