using Appliance.Abstractions;
using Appliance.Firewall;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Network;

/// <summary>
/// Compares the sockets the host's process tree really listens on (/proc) with the declared footprint, and
/// raises a health error for each undeclared one.
/// </summary>
public sealed class SocketAuditService(PluginManager plugins, HealthRegistry health, IOptions<ApplianceOptions> options, TimeProvider time)
    : BackgroundService
{
    public const string Component = "socket-audit";
    private readonly object _gate = new();
    private SocketAuditReport? _last;
    private DateTimeOffset? _lastAt;

    public (SocketAuditReport? Report, DateTimeOffset? At) Last()
    {
        lock (_gate) return (_last, _lastAt);
    }

    /// <summary>
    /// Audits now. The health error names sockets seen undeclared in this audit and the one before, so a
    /// short-lived unconnected UDP client socket (a DNS or NTP probe) does not raise it.
    /// </summary>
    public SocketAuditReport AuditNow()
    {
        var report = new SocketAuditor().Audit(Environment.ProcessId, plugins.Footprint());
        IReadOnlyList<UndeclaredListener> persistent;
        lock (_gate)
        {
            var before = _last?.Undeclared.Select(Key).ToHashSet() ?? [];
            persistent = report.Undeclared.Where(u => before.Contains(Key(u))).ToList();
            _last = report;
            _lastAt = time.GetUtcNow();
        }
        if (persistent.Count == 0)
            health.Report("appliance.host", Component, HealthState.Healthy, "every listening socket is declared");
        else
            health.Report("appliance.host", Component, HealthState.Unhealthy,
                $"{persistent.Count} undeclared listening socket(s): " + string.Join("; ", persistent));
        return report;
    }

    private static (string, int, long) Key(UndeclaredListener u) => (u.Transport, u.Port, u.Inode);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.Network.SocketAuditSeconds;
        if (seconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        try
        {
            do
            {
                AuditNow();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
