using Microsoft.Extensions.Logging;

namespace Appliance.Host.Tests;

/// <summary>Keeps every formatted log line with its level, for tests that check what the host says.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<string> Lines { get; } = [];

    public List<(LogLevel Level, string Line)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = formatter(state, exception);
        Lines.Add(line);
        Entries.Add((logLevel, line));
    }
}
