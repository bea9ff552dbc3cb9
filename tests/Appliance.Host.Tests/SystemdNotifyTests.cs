using Appliance.Host.SystemServices;
using Appliance.Host.Tests.SystemServices;
using Appliance.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Host.Tests;

/// <summary>
/// The real host under a notify socket whose parent is not systemd: the image's situation, where the unit's
/// <c>ProtectProc=invisible</c> hides systemd (PID 1) from the host, so <c>UseSystemd()</c> does not recognise it.
/// systemd (<c>Type=notify</c>, <c>WatchdogSec=</c>) must still hear READY=1, then the watchdog, then STOPPING=1.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task A_host_whose_parent_is_not_systemd_still_reports_ready_pets_the_watchdog_and_reports_stopping()
    {
        await using var notify = new NotifySocketListener();
        await using var host = await HostProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "2000000",
        });

        var heard = await Eventually.ReadUntilAsync(() => notify.Messages, PettedAfterReady, TimeSpan.FromSeconds(30));
        Assert.True(PettedAfterReady(heard), $"systemd heard: [{string.Join(", ", heard)}]\nhost log:\n{host.Log}");

        await host.StopAsync();
        var all = await Eventually.ReadUntilAsync(() => notify.Messages, m => m.Contains("STOPPING=1"), TimeSpan.FromSeconds(10));
        Assert.Contains("STOPPING=1", all);
        Assert.Single(all, m => m == "READY=1");
        Assert.True(IndexOf(all, "READY=1") < IndexOf(all, "STOPPING=1"), string.Join(", ", all));
    }

    [Fact]
    public async Task Readiness_is_reported_once_by_whoever_owns_the_lifetime_and_never_without_a_notify_socket()
    {
        var environment = new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory };

        var (own, ownNotifier) = await StartedAsync(lifetime => new FixedLifetime(), enabled: true);
        Assert.Equal(["READY=1", "STOPPING=1"], ownNotifier.Sent);
        Assert.True(own.Reports);

        // UseSystemd's lifetime reports READY=1 and STOPPING=1 itself: no second READY=1 from the host.
        var (systemds, systemdsNotifier) = await StartedAsync(
            lifetime => new SystemdLifetime(environment, lifetime, new RecordingNotifier(), NullLoggerFactory.Instance), enabled: true);
        Assert.Empty(systemdsNotifier.Sent);
        Assert.False(systemds.Reports);

        var (none, noneNotifier) = await StartedAsync(lifetime => new FixedLifetime(), enabled: false);
        Assert.Empty(noneNotifier.Sent);
        Assert.False(none.Reports);
    }

    /// <summary>A readiness service through a whole application life: started, then stopping.</summary>
    private static async Task<(SystemdReadiness, RecordingNotifier)> StartedAsync(Func<ApplicationLifetime, IHostLifetime> hostLifetime, bool enabled)
    {
        var application = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var notifier = new RecordingNotifier(enabled);
        using var readiness = new SystemdReadiness(notifier, hostLifetime(application), application, NullLogger<SystemdReadiness>.Instance);
        await readiness.StartAsync(CancellationToken.None);
        application.NotifyStarted();
        application.StopApplication();
        await readiness.StopAsync(CancellationToken.None);
        return (readiness, notifier);
    }

    private sealed class FixedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static bool PettedAfterReady(IReadOnlyList<string> messages) =>
        IndexOf(messages, "READY=1") is >= 0 and var ready && messages.Skip(ready + 1).Contains("WATCHDOG=1");

    private static int IndexOf(IReadOnlyList<string> messages, string message) => messages.ToList().IndexOf(message);
}
