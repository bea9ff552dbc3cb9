using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Events;

/// <summary>Hourly, deletes delivered events older than the retention, so the outbox does not grow forever.</summary>
public sealed class OutboxPruner(OutboxEventBus bus, IOptions<ApplianceOptions> options, TimeProvider time, ILogger<OutboxPruner> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                var removed = bus.Prune(time.GetUtcNow() - TimeSpan.FromDays(options.Value.EventRetentionDays));
                if (removed > 0) log.LogInformation("Pruned {Count} delivered events older than {Days} days", removed, options.Value.EventRetentionDays);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
