using System.Text;
using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Support;

/// <summary>
/// The host's own recent log for a support bundle. The host logs to standard output, which systemd keeps in the
/// journal of <c>appliance.service</c>: with system services on, that journal is read (<see cref="JournalReader"/>,
/// <c>systemServices.journalLines</c> lines; the user part of URLs in them removed). Otherwise nothing on the box keeps the log, and the note says so.
/// </summary>
public sealed class HostLogCollector(JournalReader journal, IOptions<ApplianceOptions> options)
{
    public const string Unit = "appliance.service";

    /// <summary>The log file's text, or null with the reason it is missing.</summary>
    public async Task<(string? Log, string Note)> CollectAsync(CancellationToken ct)
    {
        if (!options.Value.SystemServices.Enabled)
            return (null, "logs/host.log is missing: system services are off (appliance.systemServices.enabled), so the journal of " +
                Unit + " is not read; the host writes its log to standard output only (see the terminal or service manager that started it).");
        var read = await journal.ReadAsync(Unit, ct);
        if (!read.IsOk) return (null, $"logs/host.log is missing: the journal of {Unit} could not be read ({read.Failure!.Message}).");
        var text = new StringBuilder();
        foreach (var line in read.Value.Lines)
            text.Append(line.At?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "-").Append(' ').Append(line.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-").Append(' ').AppendLine(SecretRedaction.RedactUrlsInText(line.Message));
        var skipped = read.Value.Unreadable > 0 ? $" ({read.Value.Unreadable} unreadable lines skipped)" : "";
        return (text.ToString(), $"logs/host.log: the last {read.Value.Lines.Count} lines of the journal of {Unit}{skipped}.");
    }
}
