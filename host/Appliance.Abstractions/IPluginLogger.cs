namespace Appliance.Abstractions;

public enum PluginLogLevel { Trace, Debug, Information, Warning, Error, Critical }

/// <summary>A structured logger. The host forwards to its own logging (journald in production).</summary>
public interface IPluginLogger
{
    bool IsEnabled(PluginLogLevel level);

    /// <summary>Logs a message template (<c>"camera {Camera} reconnected after {Seconds}s"</c>) with its arguments.</summary>
    void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args);
}

public static class PluginLoggerExtensions
{
    public static void Info(this IPluginLogger log, string template, params object?[] args) =>
        log.Log(PluginLogLevel.Information, null, template, args);

    public static void Warn(this IPluginLogger log, string template, params object?[] args) =>
        log.Log(PluginLogLevel.Warning, null, template, args);

    public static void Error(this IPluginLogger log, Exception? exception, string template, params object?[] args) =>
        log.Log(PluginLogLevel.Error, exception, template, args);

    public static void Debug(this IPluginLogger log, string template, params object?[] args) =>
        log.Log(PluginLogLevel.Debug, null, template, args);
}
