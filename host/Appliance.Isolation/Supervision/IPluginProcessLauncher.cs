namespace Appliance.Isolation.Supervision;

/// <summary>Everything a plugin-host child needs to find its way back to the host.</summary>
public sealed record PluginProcessStart(IsolatedPluginSpec Plugin, string SocketPath, string Token, SupervisorOptions Options);

/// <summary>How a child process ended.</summary>
public sealed record ProcessEnd(int ExitCode)
{
    /// <summary>The signal that killed it (exit codes 129..192 as .NET reports them), or null.</summary>
    public int? Signal => ExitCode is > 128 and <= 192 ? ExitCode - 128 : null;

    public override string ToString() => Signal is { } s ? $"killed by signal {s} ({SignalName(s)})" : $"exited with code {ExitCode}";

    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        _ => $"signal {signal}",
    };
}

/// <summary>A started plugin-host child.</summary>
public interface IPluginProcess : IDisposable
{
    int Pid { get; }

    /// <summary>Completes when the process (the one started, not its descendants) has ended.</summary>
    Task<ProcessEnd> Exited { get; }

    /// <summary>Kills the child and everything it started (its process group), at once.</summary>
    void Kill();
}

/// <summary>
/// The seam between the supervisor and how a child is run: a plain child process here (dev, tests), a systemd
/// template unit (<c>appliance-plugin@{id}.service</c>) in the image. Everything else (socket, protocol, restart
/// policy) stays the same.
/// </summary>
public interface IPluginProcessLauncher
{
    IPluginProcess Launch(PluginProcessStart start);
}
