using Appliance.Abstractions;

namespace Appliance.Host.Plugins;

/// <summary>Forwards a plugin's structured log lines to the host's logging, category <c>plugin.{id}</c>.</summary>
internal sealed class PluginLogger(ILogger logger) : IPluginLogger
{
    public bool IsEnabled(PluginLogLevel level) => logger.IsEnabled(Map(level));

    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args)
    {
#pragma warning disable CA2254 // the template comes from the plugin: it is a template, not interpolated text
        logger.Log(Map(level), exception, messageTemplate, args);
#pragma warning restore CA2254
    }

    private static LogLevel Map(PluginLogLevel level) => level switch
    {
        PluginLogLevel.Trace => LogLevel.Trace,
        PluginLogLevel.Debug => LogLevel.Debug,
        PluginLogLevel.Information => LogLevel.Information,
        PluginLogLevel.Warning => LogLevel.Warning,
        PluginLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
