using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class SystemdClientTests : BusTest
{
    protected override Task StartPeersAsync() => ApplianceMocks.StartSystemdAsync(Bus, "appliance.service", "systemd-timesyncd.service", "broken-thing.service", "ssh.service");

    [Fact]
    public async Task Lists_the_named_units_with_their_states_as_busctl_reads_them()
    {
        var units = await new SystemdClient(Connection).GetUnitsAsync(["appliance.service", "systemd-timesyncd.service"], Ct);

        Assert.True(units.IsOk, units.ToString());
        Assert.Equal(["appliance.service", "systemd-timesyncd.service"], units.Value.Select(u => u.Name));
        var appliance = units.Value[0];
        Assert.Equal(("loaded", "active", "running", "appliance.service (mock)"), (appliance.LoadState, appliance.ActiveState, appliance.SubState, appliance.Description));
        // The reference client reads the same property from the same object.
        var busctl = await Bus.BusctlOrThrowAsync("get-property", ApplianceMocks.Systemd, ApplianceMocks.UnitPath("appliance.service"), "org.freedesktop.systemd1.Unit", "ActiveState");
        Assert.Equal($"s \"{appliance.ActiveState}\"", busctl.Trim());
    }

    [Fact]
    public async Task Restart_returns_after_systemd_removed_the_job_even_when_the_signal_comes_before_the_reply()
    {
        var job = await new SystemdClient(Connection).RestartUnitAsync("systemd-timesyncd.service", Ct);

        Assert.True(job.IsOk, job.ToString());
        Assert.StartsWith("/org/freedesktop/systemd1/job/", job.Value);
        var calls = await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "RestartUnit");
        Assert.Contains("systemd-timesyncd.service", calls);
        Assert.Contains("replace", calls);
    }

    [Fact]
    public async Task A_job_that_ends_failed_is_a_job_failed_failure()
    {
        var job = await new SystemdClient(Connection).RestartUnitAsync("broken-thing.service", Ct);

        Assert.False(job.IsOk);
        Assert.Equal(BusFailures.JobFailed, job.Failure!.Code);
        Assert.Contains("'failed'", job.Failure.Message);
    }

    [Fact]
    public async Task A_unit_without_SubState_is_a_malformed_failure_naming_the_property()
    {
        await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "AddMockUnit", "s", "bare.service");

        var unit = await new SystemdClient(Connection).GetUnitAsync("bare.service", Ct);

        Assert.False(unit.IsOk);
        Assert.Equal(BusFailures.Malformed, unit.Failure!.Code);
        Assert.Contains("property SubState is missing", unit.Failure.Message);
    }

    [Fact]
    public async Task A_restart_reply_without_the_job_path_is_malformed_not_an_exception()
    {
        // RestartUnit answering nothing: the reply is shorter than its contract ('o').
        await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "AddMethod", "sssss", "org.freedesktop.systemd1.Manager", "RestartUnit", "ss", "", "");

        var job = await new SystemdClient(Connection).RestartUnitAsync("appliance.service", Ct);

        Assert.False(job.IsOk);
        Assert.Equal(BusFailures.Malformed, job.Failure!.Code);
        Assert.Contains("signature is '', expected 'o'", job.Failure.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-suffix")]
    [InlineData("../etc.service")]
    [InlineData("two words.service")]
    [InlineData("--no-block.service")]
    public async Task Names_that_are_not_unit_names_are_refused_before_any_call(string name)
    {
        var restart = await new SystemdClient(Connection).RestartUnitAsync(name, Ct);

        Assert.Equal(BusFailures.Invalid, restart.Failure?.Code);
        var calls = await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "RestartUnit");
        Assert.Equal("a(tav) 0", calls.Trim());
    }

    [Fact]
    public async Task Stop_and_start_wait_for_their_jobs_and_the_unit_state_follows()
    {
        var systemd = new SystemdClient(Connection);

        var stop = await systemd.StopUnitAsync("ssh.service", Ct);
        Assert.True(stop.IsOk, stop.ToString());
        Assert.Equal("inactive", (await systemd.GetUnitAsync("ssh.service", Ct)).Value.ActiveState);

        var start = await systemd.StartUnitAsync("ssh.service", Ct);
        Assert.True(start.IsOk, start.ToString());
        Assert.NotEqual(stop.Value, start.Value);
        Assert.Equal("active", (await systemd.GetUnitAsync("ssh.service", Ct)).Value.ActiveState);
        Assert.Contains("ssh.service", await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "StopUnit"));
        Assert.Contains("ssh.service", await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "StartUnit"));
    }

    [Fact]
    public async Task Start_and_stop_refuse_what_is_not_a_unit_name_before_any_call()
    {
        var systemd = new SystemdClient(Connection);

        Assert.Equal(BusFailures.Invalid, (await systemd.StartUnitAsync("../ssh.service", Ct)).Failure?.Code);
        Assert.Equal(BusFailures.Invalid, (await systemd.StopUnitAsync("--all.service", Ct)).Failure?.Code);
        Assert.Equal("a(tav) 0", (await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "StartUnit")).Trim());
        Assert.Equal("a(tav) 0", (await Bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "StopUnit")).Trim());
    }
}
