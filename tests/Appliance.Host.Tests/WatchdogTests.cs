using System.Text.Json.Nodes;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;
using Appliance.Host.SystemServices.Liveness;
using Appliance.Host.Tests.SystemServices;
using Appliance.Testing;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Host.Tests;

/// <summary>The systemd watchdog is petted only while the host's own loops make progress.</summary>
public sealed class WatchdogTests
{
    [Fact]
    public async Task A_plugin_manager_stuck_in_an_operation_stops_the_petting_until_it_moves_again()
    {
        await using var h = await PluginManagerHarness.StartAsync(startTimeoutSeconds: 6);
        var notifier = new RecordingNotifier();
        var watchdog = new SystemdWatchdog(notifier,
            new WatchdogRound([new PluginManagerLivenessCheck(h.Manager), new OutboxLivenessCheck(h.Bus)]),
            h.Health, NullLogger<SystemdWatchdog>.Instance);

        var healthy = await watchdog.PetIfAliveAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.True(healthy.Pet, healthy.Describe());
        Assert.Equal(["WATCHDOG=1"], notifier.Sent);

        // A plugin that hangs in StartAsync holds the manager's operation queue until the start timeout.
        var install = h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.hang", "1.0.0", new JsonObject { ["mode"] = "hang" }));
        await Eventually.HoldsWithinAsync(() => h.Manager.Get("test.hang") is not null || install.IsCompleted, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));

        var stuck = await watchdog.PetIfAliveAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        Assert.False(stuck.Pet);
        Assert.Equal(["plugin manager"], stuck.Stuck.Select(s => s.Name));
        Assert.Contains("no answer within 500 ms", stuck.Describe());
        Assert.Single(notifier.Sent);
        Assert.Contains(h.Health.All(), r => r.Owner == "host" && r.Report.Component == "watchdog" && r.Report.Message.Contains("plugin manager"));

        await install;
        Assert.Equal(PluginState.Quarantined, h.Manager.Get("test.hang")!.State);
        var recovered = await watchdog.PetIfAliveAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.True(recovered.Pet, recovered.Describe());
        Assert.Equal(2, notifier.Sent.Count);
        Assert.DoesNotContain(h.Health.All(), r => r.Owner == "host" && r.Report.Component == "watchdog");
    }

    [Theory]
    [InlineData(90, 0, 72)] // right after a pet: 0.8 of the timeout
    [InlineData(90, 15, 57)] // one period later
    [InlineData(90, 70, 15)] // almost out of time: at least one period
    [InlineData(30, 5, 19)]
    public void A_round_may_wait_for_its_checks_until_0_8_of_the_timeout_since_the_last_pet(int timeout, int sinceLastPet, int deadline) =>
        Assert.Equal(TimeSpan.FromSeconds(deadline), new WatchdogSchedule(TimeSpan.FromSeconds(timeout)).CheckDeadline(TimeSpan.FromSeconds(sinceLastPet)));

    [Fact]
    public async Task Rounds_wait_for_the_host_to_have_started()
    {
        using var started = new CancellationTokenSource();
        var wait = SystemdWatchdog.WhenStartedAsync(started.Token, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        started.Cancel();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        using var stopping = new CancellationTokenSource();
        var stopped = SystemdWatchdog.WhenStartedAsync(CancellationToken.None, stopping.Token);
        stopping.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
    }

    [Fact]
    public void Rounds_start_every_sixth_of_the_timeout_and_a_slow_round_is_followed_at_once()
    {
        var schedule = new WatchdogSchedule(TimeSpan.FromSeconds(90));
        Assert.Equal(TimeSpan.FromSeconds(15), schedule.Period);
        Assert.Equal(TimeSpan.FromSeconds(13), schedule.NextRoundIn(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.Zero, schedule.NextRoundIn(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public async Task A_check_that_ignores_its_deadline_cannot_hold_the_round()
    {
        var never = new TaskCompletionSource();
        var round = new WatchdogRound([new DelegateCheck("ignores cancellation", _ => never.Task), new DelegateCheck("quick", _ => Task.CompletedTask)]);

        var verdict = await round.RunAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.False(verdict.Pet);
        Assert.Equal([new StuckCheck("ignores cancellation", "no answer within 200 ms")], verdict.Stuck);
    }

    [Fact]
    public async Task A_check_that_fails_is_named_with_its_exception_and_the_cause_under_it()
    {
        var round = new WatchdogRound([
            new DelegateCheck("http", _ => throw new HttpRequestException("Connection refused (127.0.0.1:443)",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))),
            new DelegateCheck("outbox", _ => Task.FromException(new InvalidOperationException("database is locked"))),
            new DelegateCheck("quick", _ => Task.CompletedTask),
        ]);

        var verdict = await round.RunAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(verdict.Pet);
        Assert.Equal(["http", "outbox"], verdict.Stuck.Select(s => s.Name));
        Assert.StartsWith("HttpRequestException: Connection refused (127.0.0.1:443) <- SocketException: ", verdict.Stuck[0].Reason);
        Assert.Equal("InvalidOperationException: database is locked", verdict.Stuck[1].Reason);
        Assert.Equal("no progress within the deadline: http (" + verdict.Stuck[0].Reason + "); outbox (InvalidOperationException: database is locked)",
            verdict.Describe());
    }

    [Fact]
    public async Task The_health_report_and_the_log_say_why_the_watchdog_is_not_petted()
    {
        var health = new HealthRegistry(TimeProvider.System);
        var notifier = new RecordingNotifier();
        var log = new RecordingLogger<SystemdWatchdog>();
        var watchdog = new SystemdWatchdog(notifier,
            new WatchdogRound([new DelegateCheck("http", _ => Task.FromException(new InvalidOperationException("Kestrel has no address yet")))]),
            health, log);

        var verdict = await watchdog.PetIfAliveAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(verdict.Pet);
        Assert.Empty(notifier.Sent);
        Assert.Contains(health.All(), r => r.Owner == "host" && r.Report.Component == "watchdog"
            && r.Report.Message.Contains("http (InvalidOperationException: Kestrel has no address yet)"));
        Assert.Contains(log.Lines, l => l.Contains("http (InvalidOperationException: Kestrel has no address yet)"));
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443", "https://127.0.0.1:8443/")]
    [InlineData("http://[::]:80", "http://127.0.0.1/")]
    [InlineData("https://127.0.0.1:8443", "https://127.0.0.1:8443/")]
    [InlineData("https://192.0.2.10:443", "https://192.0.2.10/")]
    public void Wildcard_binds_are_probed_on_loopback(string bound, string probed) =>
        Assert.Equal(probed, HttpLivenessCheck.ToLoopback(new Uri(bound)).ToString());

    private sealed class DelegateCheck(string name, Func<CancellationToken, Task> prove) : ILivenessCheck
    {
        public string Name => name;

        public Task ProveProgressAsync(CancellationToken ct) => prove(ct);
    }
}
