using Microsoft.Extensions.Logging.Console;

namespace Appliance.Host.SystemServices;

/// <summary>
/// The host's console log. When its output goes to the journal (systemd sets <c>JOURNAL_STREAM</c>), each line
/// carries its syslog priority (systemd format, <c>&lt;4&gt;</c> for a warning), so <c>journalctl -p warning</c>, the
/// portal's journal view (<c>PRIORITY</c>) and the boot test find the host's warnings; the journal keeps the time.
/// Elsewhere one line per entry with a timestamp. (<c>UseSystemd()</c> would choose the systemd format itself, but it
/// does not recognise systemd under <c>ProtectProc=invisible</c>, see <see cref="SystemdReadiness"/>, and the simple
/// format was set after it, so under systemd every line was priority 6.)
/// </summary>
public static class ConsoleLogFormat
{
    public static string For(string? journalStream) =>
        string.IsNullOrEmpty(journalStream) ? ConsoleFormatterNames.Simple : ConsoleFormatterNames.Systemd;

    public static ILoggingBuilder AddApplianceConsole(this ILoggingBuilder logging, string? journalStream)
    {
        if (For(journalStream) == ConsoleFormatterNames.Systemd)
            return logging.AddSystemdConsole(o => o.IncludeScopes = false);
        return logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }
}
