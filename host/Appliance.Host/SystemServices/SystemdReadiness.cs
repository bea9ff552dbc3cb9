using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host.SystemServices;

/// <summary>
/// Tells systemd <c>READY=1</c> once the host has started and <c>STOPPING=1</c> when it stops, whenever a notify
/// socket is given but <c>UseSystemd()</c> did not take over the lifetime. UseSystemd recognises systemd only by
/// reading its parent's <c>/proc/PID/comm</c>, which <c>ProtectProc=invisible</c> hides from the unprivileged host
/// (systemd is PID 1, another user's process); without this, a <c>Type=notify</c> unit never becomes active.
/// When <see cref="SystemdLifetime"/> is the host's lifetime it sends both itself, and this stays silent.
/// </summary>
public sealed class SystemdReadiness(ISystemdNotifier notifier, IHostLifetime hostLifetime, IHostApplicationLifetime application,
    ILogger<SystemdReadiness> log) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _started;
    private CancellationTokenRegistration _stopping;

    /// <summary>True when this service (and not <see cref="SystemdLifetime"/>) speaks to systemd.</summary>
    public bool Reports => notifier.IsEnabled && hostLifetime is not SystemdLifetime;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Reports) return Task.CompletedTask;
        _started = application.ApplicationStarted.Register(() =>
        {
            notifier.Notify(ServiceState.Ready);
            log.LogInformation("Told systemd READY=1 (its notify socket is set, but the parent process is not recognisable as systemd)");
        });
        _stopping = application.ApplicationStopping.Register(() => notifier.Notify(ServiceState.Stopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
    }
}
