namespace Appliance.Image.Tests;

/// <summary>
/// The boot test's report (rootfs/usr/lib/appliance/boot-report) run with stand-ins for hostname, systemd-analyze,
/// journalctl, systemctl and nft: while it waits for health it prints each of the host's warnings once, as they come
/// (journalctl's cursor file), and the host unit's state only when it changes.
/// </summary>
public sealed class BootReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("boot-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string Script = Path.Combine(ImageFiles.RootFs, "usr", "lib", "appliance", "boot-report");

    // journalctl: with --cursor-file, the entries not yet shown (call 1: two warnings, call 2: one, later none), as
    // journald does with a cursor; without it, everything. systemctl: the unit restarts once, seen from the second look.
    private const string Journalctl = """
        #!/bin/bash
        cursor=""
        for a in "$@"; do [[ "$a" == --cursor-file=* ]] && cursor=${a#--cursor-file=}; done
        if [[ -z "$cursor" ]]; then printf 'first warning\nsecond warning\nisolation: plugin process 7 launched\nthird warning\n'; exit 0; fi
        n=$(cat "$cursor" 2>/dev/null || echo 0)
        case "$n" in 0) printf 'first warning\nsecond warning\n' ;; 1) echo "third warning" ;; esac
        echo $((n + 1)) > "$cursor"
        """;

    private const string Systemctl = """
        #!/bin/bash
        f=$STANDIN_STATE/systemctl; n=$(( $(cat "$f" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$f"
        restarts=0; ((n >= 2)) && restarts=1
        printf 'ActiveState=active\nSubState=running\nNRestarts=%s\nResult=success\n' "$restarts"
        """;

    private string[] Run(string script)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var standIns = new Dictionary<string, string>
        {
            ["hostname"] = "#!/bin/sh\necho 192.0.2.10\n",
            ["systemd-analyze"] = "#!/bin/sh\necho \"-> Overall exposure level for $3: 1.5 OK\"\n",
            ["nft"] = "#!/bin/sh\necho '  iifname \"lan0\" tcp dport 443 accept'\n",
            ["journalctl"] = Journalctl + "\n",
            ["systemctl"] = Systemctl + "\n",
        };
        foreach (var (name, text) in standIns)
        {
            var path = Path.Combine(bin, name);
            File.WriteAllText(path, text);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var copy = Path.Combine(_dir, "boot-report");
        // The cursor file lives in the unit's private /tmp; here in the test's folder.
        File.WriteAllText(copy, script.Replace("/tmp/host-warnings.cursor", Path.Combine(_dir, "cursor"), StringComparison.Ordinal));
        var (code, stdout, stderr) = ImageFiles.Run("bash", [copy], env: new Dictionary<string, string>
        {
            ["PATH"] = bin + ":/usr/bin:/bin",
            ["STANDIN_STATE"] = _dir,
            ["REPORT_WAIT"] = "3",
            ["REPORT_EVERY"] = "1",
        });
        Assert.True(code == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static int Count(string[] lines, string line) => lines.Count(l => l == line);

    [Fact]
    public void Each_warning_once_as_it_comes_and_the_unit_state_when_it_changes()
    {
        var lines = Run(File.ReadAllText(Script));
        Assert.Equal(1, Count(lines, "report: warning: first warning"));
        Assert.Equal(1, Count(lines, "report: warning: second warning"));
        Assert.Equal(1, Count(lines, "report: warning: third warning"));
        var host = lines.Where(l => l.StartsWith("report: host: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, host.Count);
        Assert.Contains("NRestarts=0", host[0], StringComparison.Ordinal);
        Assert.Contains("NRestarts=1", host[1], StringComparison.Ordinal);
        // In the order they came: the first look's warnings before the second's, all before the health line.
        var health = Array.FindIndex(lines, l => l.StartsWith("report: health after ", StringComparison.Ordinal) && l.EndsWith(" s of waiting: no answer", StringComparison.Ordinal));
        var order = new[] { Array.IndexOf(lines, "report: warning: first warning"), Array.IndexOf(lines, "report: warning: third warning"), health, Array.IndexOf(lines, "report: done") }.ToList();
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), string.Join("\n", lines));
        Assert.Contains("report: log: isolation: plugin process 7 launched", lines);
    }

    [Fact]
    public void Control_without_the_cursor_and_the_state_comparison_the_same_checks_see_repeats()
    {
        var careless = File.ReadAllText(Script)
            .Replace(" --cursor-file=/tmp/host-warnings.cursor", "", StringComparison.Ordinal)
            .Replace("[[ \"$state\" == \"$last_state\" ]] || ", "", StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(Script), careless);
        var lines = Run(careless);
        // At least three looks in 3 s (every second, and once more at the end): each repeats what it saw.
        Assert.True(Count(lines, "report: warning: first warning") >= 3, string.Join("\n", lines));
        Assert.True(lines.Count(l => l.StartsWith("report: host: ", StringComparison.Ordinal)) >= 3, string.Join("\n", lines));
    }
}
