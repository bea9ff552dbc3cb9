using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>The journal runner against a stand-in journalctl (a script printing what journalctl -o json prints, or failing).</summary>
public sealed class JournalReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appl-journal-").FullName;

    private JournalReader Reader(string script, int lines = 50)
    {
        var path = StandInJournalctl.Write(_dir, script);
        return new JournalReader(Options.Create(new ApplianceOptions { SystemServices = new SystemServicesOptions { JournalctlPath = path, JournalLines = lines } }));
    }

    [Fact]
    public async Task Reads_the_lines_passes_the_unit_and_count_and_skips_unreadable_ones()
    {
        var reader = Reader("""
            echo "$@" > "$(dirname "$0")/args"
            echo '{"__REALTIME_TIMESTAMP":"1764756000000000","MESSAGE":"Started appliance."}'
            echo 'not json'
            echo '{"MESSAGE":"Ready."}'
            """, lines: 3);

        var journal = await reader.ReadAsync("appliance.service", CancellationToken.None);

        Assert.True(journal.IsOk, journal.ToString());
        Assert.Equal(["Started appliance.", "Ready."], journal.Value.Lines.Select(l => l.Message));
        Assert.Equal(1, journal.Value.Unreadable);
        Assert.Equal("-u appliance.service -n 3 -o json --no-pager", File.ReadAllText(Path.Combine(_dir, "args")).Trim());
    }

    [Fact]
    public async Task A_failing_journalctl_is_failed_with_its_first_error_line()
    {
        var journal = await Reader("echo 'No journal files were found.' >&2; exit 1").ReadAsync("appliance.service", CancellationToken.None);

        Assert.Equal("failed", journal.Failure?.Code);
        Assert.Contains("No journal files were found.", journal.Failure!.Message);
    }

    [Fact]
    public async Task A_unit_name_that_could_be_an_option_is_refused_before_running_anything()
    {
        var journal = await Reader("touch \"$(dirname \"$0\")/ran\"").ReadAsync("--since=1.day", CancellationToken.None);

        Assert.Equal("invalid", journal.Failure?.Code);
        Assert.False(File.Exists(Path.Combine(_dir, "ran")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
