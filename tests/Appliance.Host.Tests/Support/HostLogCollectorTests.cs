using Appliance.Host.Configuration;
using Appliance.Host.Support;
using Appliance.Host.SystemServices;
using Appliance.Host.Tests.SystemServices;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Tests.Support;

/// <summary>The host's log in the bundle: the journal of appliance.service through a stand-in journalctl, or why it is missing.</summary>
public sealed class HostLogCollectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appl-bundle-log-").FullName;

    private HostLogCollector Collector(bool enabled, string script)
    {
        var path = StandInJournalctl.Write(_dir, script);
        var options = Options.Create(new ApplianceOptions { SystemServices = new SystemServicesOptions { Enabled = enabled, JournalctlPath = path, JournalLines = 100 } });
        return new HostLogCollector(new JournalReader(options), options);
    }

    [Fact]
    public async Task With_system_services_on_the_journal_lines_are_the_log()
    {
        var (log, note) = await Collector(true, """
            echo "$@" > "$(dirname "$0")/args"
            echo '{"__REALTIME_TIMESTAMP":"1764756000000000","PRIORITY":"6","MESSAGE":"Started appliance."}'
            echo 'garbage'
            echo '{"MESSAGE":"Ready."}'
            """).CollectAsync(CancellationToken.None);

        Assert.Equal("2025-12-03T10:00:00.0000000Z 6 Started appliance.\n- - Ready.\n", log);
        Assert.Equal("logs/host.log: the last 2 lines of the journal of appliance.service (1 unreadable lines skipped).", note);
        Assert.StartsWith("-u appliance.service -n 100", File.ReadAllText(Path.Combine(_dir, "args")));
    }

    [Fact]
    public async Task A_failing_journal_or_system_services_off_leave_no_log_and_say_why()
    {
        var (log, note) = await Collector(true, "echo 'No journal files were found.' >&2; exit 1").CollectAsync(CancellationToken.None);
        Assert.Null(log);
        Assert.StartsWith("logs/host.log is missing: the journal of appliance.service could not be read (", note);
        Assert.Contains("No journal files were found.", note);

        (log, note) = await Collector(false, "exit 0").CollectAsync(CancellationToken.None);
        Assert.Null(log);
        Assert.StartsWith("logs/host.log is missing: system services are off", note);
        Assert.False(File.Exists(Path.Combine(_dir, "args")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
