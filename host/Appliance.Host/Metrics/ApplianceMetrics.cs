using Appliance.Host.Events;
using Appliance.Host.Plugins;
using Prometheus;

namespace Appliance.Host.Metrics;

/// <summary>Host gauges for Prometheus, computed at scrape time: plugins by state, event backlog, process memory.</summary>
internal static class ApplianceMetrics
{
    public static void Register(IServiceProvider services)
    {
        var registry = services.GetRequiredService<CollectorRegistry>();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var plugins = factory.CreateGauge("appliance_plugins", "Plugins by state", "state");
        var pending = factory.CreateGauge("appliance_event_subscription_pending", "Events not yet delivered to a subscription (upper bound)", "subscription");
        var events = factory.CreateGauge("appliance_events_last_sequence", "Sequence number of the newest stored event");
        var rss = factory.CreateGauge("appliance_process_resident_bytes", "Resident memory of the host process");
        var manager = services.GetRequiredService<PluginManager>();
        var bus = services.GetRequiredService<OutboxEventBus>();
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var state in Enum.GetValues<PluginState>())
                plugins.WithLabels(state.ToString().ToLowerInvariant()).Set(manager.List().Count(p => p.State == state));
            foreach (var s in bus.Subscriptions())
                pending.WithLabels(s.Name).Set(s.PendingUpperBound);
            events.Set(bus.Recent(1).FirstOrDefault()?.Sequence ?? 0);
            rss.Set(Environment.WorkingSet);
        });
    }
}
