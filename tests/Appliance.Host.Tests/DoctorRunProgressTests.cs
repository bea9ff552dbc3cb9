using Appliance.Host.Network;
using Appliance.NetCheck.Checks;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Host.Tests;

/// <summary>The network doctor's progress as the portal polls it: the newest run, counted check by check.</summary>
public sealed class DoctorRunProgressTests
{
    private static CheckResult Result(string name, CheckStatus status) => new(name, "target", status, null, "detail", null);

    [Fact]
    public void Nothing_ran_yet_reads_as_not_running_with_nothing_done()
    {
        var view = new DoctorRunProgress(new FakeTimeProvider()).Snapshot();
        Assert.Equal(new DoctorProgressView(false, 0, 0, 0, null, null), view);
    }

    [Fact]
    public void A_run_counts_its_checks_and_failures_and_names_the_newest()
    {
        var clock = new FakeTimeProvider();
        var progress = new DoctorRunProgress(clock);
        var run = progress.Begin(3);
        run.Finished(Result("dns", CheckStatus.Pass));
        run.Finished(Result("tls", CheckStatus.Fail));

        Assert.Equal(new DoctorProgressView(true, 3, 2, 1, "tls target: Fail", clock.GetUtcNow()), progress.Snapshot());
        run.Finished(Result("ntp", CheckStatus.Warn));
        run.End();
        Assert.Equal(new DoctorProgressView(false, 3, 3, 1, "ntp target: Warn", clock.GetUtcNow()), progress.Snapshot());
    }

    [Fact]
    public void The_newest_run_is_shown_even_while_an_older_one_still_runs()
    {
        var progress = new DoctorRunProgress(new FakeTimeProvider());
        var older = progress.Begin(5);
        var newer = progress.Begin(2);
        older.Finished(Result("dns", CheckStatus.Pass));
        older.End();

        var view = progress.Snapshot();
        Assert.True(view.Running);
        Assert.Equal((2, 0), (view.Total, view.Done));
        newer.End();
        Assert.False(progress.Snapshot().Running);
    }

    [Fact]
    public void More_checks_finishing_than_were_planned_is_a_bug()
    {
        var run = new DoctorRunProgress(new FakeTimeProvider()).Begin(1);
        run.Finished(Result("dns", CheckStatus.Pass));
        Assert.Throws<InvalidOperationException>(() => run.Finished(Result("dns", CheckStatus.Pass)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DoctorRunProgress(new FakeTimeProvider()).Begin(-1));
    }
}
