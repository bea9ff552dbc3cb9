using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Milestone.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Milestone;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>vms</c> whose target names a configured server. Each
/// server has its own durable subscription (<c>server/{name}</c>): a server that is down holds back only its own
/// events, which the outbox keeps until it is back; each is then sent in order. Older than <c>maxAgeMinutes</c>, an
/// undelivered event is reported as <see cref="RuleActionExpired"/>.
/// </summary>
public sealed class MilestonePlugin : IPlugin
{
    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var servers = EventServers.Parse(context.Config.GetProperty("servers"));
        if (!servers.IsOk) throw new InvalidOperationException(servers.Failure!.Message);
        var maxAge = TimeSpan.FromMinutes(context.Config.GetProperty("maxAgeMinutes").GetInt32());
        var sender = new DeliveryAttempts(context.Time, context.Config.GetProperty("quickAttempts").GetInt32(), TimeSpan.FromMilliseconds(200), maxAge);
        var client = new EventServerClient();
        foreach (var server in servers.Value)
        {
            context.Events.Subscribe($"server/{server.Name}", [nameof(RuleActionRequested)], async (envelope, ct) =>
            {
                if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null) return;
                if (action.Kind != "vms" || action.Target != server.Name) return;
                var analytics = ToAnalyticsEvent(action);
                var outcome = await sender.RunAsync(analytics.Id.ToString(), envelope.OccurredAt, async token =>
                {
                    var sent = await client.SendAnalyticsAsync(server.Host, server.AnalyticsPort, analytics, server.Timeout, token);
                    if (!sent.IsOk || server.GenericSource is not { } source) return sent;
                    return server.Generic == "udp"
                        ? await client.SendGenericUdpAsync(server.Host, server.GenericPort, source, analytics.Message, token)
                        : await client.SendGenericTcpAsync(server.Host, server.GenericPort, source, analytics.Message, server.Timeout, token);
                }, ct);
                switch (outcome.Result)
                {
                    case DeliveryResult.Delivered:
                        context.Health.Report(server.Name, HealthState.Healthy, $"last event delivered after {outcome.Attempts} attempt(s)");
                        await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, server.Name, outcome.Attempts, context.Time.GetUtcNow()), ct);
                        break;
                    case DeliveryResult.Expired:
                        await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, server.Name, outcome.Attempts,
                            context.Time.GetUtcNow() - envelope.OccurredAt, outcome.LastError ?? ""), ct);
                        break;
                    default:
                        context.Health.Report(server.Name, HealthState.Degraded, outcome.LastError ?? "not delivered yet");
                        throw new IOException($"event for {server.Name} not delivered yet: {outcome.LastError}");
                }
            });
            context.Health.Report(server.Name, HealthState.Healthy, $"ready: {server.Host}:{server.AnalyticsPort}");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The analytics event for an action: its ID is derived from (trigger event, rule, action), so a repeated send of
    /// the same action carries the same ID; Message is the rule's message (the analytics event name in XProtect).
    /// </summary>
    public static AnalyticsEvent ToAnalyticsEvent(RuleActionRequested action)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"{action.TriggerEventId:N}/{action.RuleId}/{action.ActionIndex}"));
        var message = action.Parameters.TryGetValue("message", out var m) && m.Length > 0 ? m : action.RuleName;
        return new AnalyticsEvent(
            new Guid(key.AsSpan(0, 16)), action.TriggeredAt, action.TriggerEventType, message,
            action.CameraId ?? action.Input ?? "appliance", CustomTag: action.RuleId, Description: action.RuleName,
            VendorName: "Appliance");
    }
}
