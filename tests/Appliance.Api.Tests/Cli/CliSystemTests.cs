using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Api.Tests.Cli;

/// <summary><c>appliancectl system ...</c> against the real host whose system services are python3-dbusmock peers on a private bus.</summary>
public sealed class CliSystemTests : IAsyncLifetime
{
    private PrivateBus _bus = null!;
    private HostProcess _host = null!;
    private Appliancectl _cli = null!;

    public async Task InitializeAsync()
    {
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartSystemdAsync(_bus, "appliance.service", "systemd-timesyncd.service", "ssh.service");
        await ApplianceMocks.StartTimedatedAsync(_bus, "Europe/Lisbon");
        await ApplianceMocks.StartLogindAsync(_bus);
        await ApplianceMocks.StartNetworkManagerAsync(_bus, "eth0");
        var data = Directory.CreateTempSubdirectory("appl-host-").FullName;
        _host = await HostProcess.StartAsync(data, appliance: new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = _bus.Address,
                ["units"] = new JsonArray("appliance.service", "systemd-timesyncd.service"),
                ["timesyncdDropIn"] = Path.Combine(data, "timesyncd.conf.d", "appliance.conf"),
                ["clockProbe"] = false,
                ["networkRevertSeconds"] = 60,
                // SSH off, with a key type that is refused: shown as an error, never written.
                ["ssh"] = new JsonObject
                {
                    ["authorizedKeys"] = new JsonArray("ssh-dss AAAAB3NzaC1kc3MAAACBAP maint@old-laptop"),
                    ["authorizedKeysFile"] = Path.Combine(data, "ssh", "authorized_keys"),
                },
            },
        });
        await _host.LoginAsync();
        _cli = await Appliancectl.LoggedInAsync(_host, Path.Combine(data, "cli", "config.json"));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task Units_time_and_a_network_change_that_is_confirmed()
    {
        var units = await _cli.RunAsync("system", "units");
        Assert.True(units.ExitCode == 0, units.ToString());
        Assert.Matches(@"systemd-timesyncd\.service\s+active\s+running\s+yes", units.Stdout);

        var time = await _cli.RunAsync("system", "time");
        Assert.True(time.ExitCode == 0, time.ToString());
        Assert.Contains("Europe/Lisbon", time.Stdout);

        var set = await _cli.RunAsync("system", "network", "set", "eth0", "--address", "192.0.2.10/24", "--gateway", "192.0.2.1", "--dns", "192.0.2.53");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("unless 'appliancectl system network confirm'", set.Stdout);
        var shown = await _cli.RunAsync("system", "network");
        Assert.Matches(@"eth0\s+wired-eth0\s+static\s+192\.0\.2\.10/24\s+192\.0\.2\.1\s+192\.0\.2\.53", shown.Stdout);
        Assert.Contains("waiting for confirmation: eth0", shown.Stdout);

        var confirm = await _cli.RunAsync("system", "network", "confirm");
        Assert.True(confirm.ExitCode == 0, confirm.ToString());
        Assert.DoesNotContain("waiting for confirmation", (await _cli.RunAsync("system", "network")).Stdout);
        var again = await _cli.RunAsync("system", "network", "confirm");
        Assert.Equal(1, again.ExitCode);
    }

    [Fact]
    public async Task Ssh_shows_off_and_the_refused_key_and_apply_stops_the_unit()
    {
        var shown = await _cli.RunAsync("system", "ssh");
        Assert.Equal(1, shown.ExitCode);
        Assert.Matches(@"ssh\s+off", shown.Stdout);
        Assert.Contains("ssh.authorizedKeys[0]: key type ssh-dss is not accepted", shown.Stderr);

        var apply = await _cli.RunAsync("system", "ssh", "apply");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("SSH off", apply.Stdout);
        Assert.Contains("ssh.service", await _bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "StopUnit"));
    }

    [Fact]
    public async Task Reboot_needs_yes_and_bad_settings_are_refused_before_or_by_the_appliance()
    {
        var noYes = await _cli.RunAsync("system", "reboot");
        Assert.Equal(2, noYes.ExitCode);
        Assert.Equal("a(tav) 0", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim());

        var neither = await _cli.RunAsync("system", "network", "set", "eth0");
        Assert.Equal(2, neither.ExitCode);
        var badPrefix = await _cli.RunAsync("system", "network", "set", "eth0", "--address", "192.0.2.10/40");
        Assert.Equal(1, badPrefix.ExitCode);
        Assert.Contains("prefix length must be 1-32", badPrefix.Stderr);

        var reboot = await _cli.RunAsync("system", "reboot", "--yes");
        Assert.True(reboot.ExitCode == 0, reboot.ToString());
        Assert.StartsWith("a(tav) 1", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim());
    }
}
