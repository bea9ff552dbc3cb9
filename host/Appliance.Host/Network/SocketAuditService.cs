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

    public SocketAuditReport AuditNow()
    {
        var report = new SocketAuditor().Audit(Environment.ProcessId, plugins.Footprint());
        lock (_gate)
        {
            _last = report;
            _lastAt = time.GetUtcNow();
        }
        if (report.Undeclared.Count == 0)
            health.Report("appliance.host", Component, HealthState.Healthy, "every listening socket is declared");
        else
            health.Report("appliance.host", Component, HealthState.Unhealthy,
                $"{report.Undeclared.Count} undeclared listening socket(s): " + string.Join("; ", report.Undeclared));
        return report;
    }

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
