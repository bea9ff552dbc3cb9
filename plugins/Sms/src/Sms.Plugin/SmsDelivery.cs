using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Sms.Protocol;

namespace Appliance.Plugins.Sms;

/// <summary>One rule action of kind <c>sms</c>: a text to each recipient, the outcome published once.</summary>
internal sealed class SmsDelivery(IPluginContext context, SmsGateway gateway, SmsClient client, RuleRateLimit limit, DeliveryAttempts attempts, SentLog log)
{
    public async Task HandleAsync(EventEnvelope envelope, CancellationToken ct)
    {
        if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null || action.Kind != "sms") return;
        var now = context.Time.GetUtcNow();
        var actionKey = $"{action.TriggerEventId}/{action.RuleId}/{action.ActionIndex}/";
        var target = string.Join(",", action.Recipients);
        if (!log.WasSent(actionKey + "*") && !limit.TryAcquire(action.RuleId, now))
        {
            log.Add(new SentMessage(now, action.RuleId, target, "rate-limited", null), null);
            await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, target, 0, now - envelope.OccurredAt, "rate limit of the rule reached"), ct);
            return;
        }
        log.Add(new SentMessage(now, action.RuleId, target, "started", null), actionKey + "*");
        var text = SmsText.For(action);
        var most = 0;
        foreach (var to in action.Recipients)
        {
            var key = actionKey + to;
            if (log.WasSent(key)) continue;
            var message = SmsMessage.Create(to, text);
            var outcome = message.IsOk
                ? await attempts.RunAsync(key, envelope.OccurredAt, t => client.SendAsync(gateway, message.Value, t), ct)
                : new DeliveryOutcome(DeliveryResult.Refused, 0, message.Failure);
            most = Math.Max(most, outcome.Attempts);
            switch (outcome.Result)
            {
                case DeliveryResult.Delivered:
                    log.Add(new SentMessage(context.Time.GetUtcNow(), action.RuleId, to, "sent", null), key);
                    break;
                case DeliveryResult.Expired or DeliveryResult.Refused:
                    log.Add(new SentMessage(context.Time.GetUtcNow(), action.RuleId, to, "given-up", outcome.LastError), key);
                    await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, to, outcome.Attempts, context.Time.GetUtcNow() - envelope.OccurredAt, outcome.LastError ?? ""), ct);
                    context.Logger.Warn("SMS of rule {Rule} to {To} given up: {Error}", action.RuleId, to, outcome.LastError);
                    break;
                default:
                    log.Add(new SentMessage(context.Time.GetUtcNow(), action.RuleId, to, "retry-later", outcome.LastError), null);
                    context.Health.Report("gateway", HealthState.Degraded, outcome.LastError ?? "not delivered yet");
                    // Throwing leaves the action in the outbox; recipients already texted are skipped next time.
                    throw new IOException($"SMS of rule {action.RuleId} to {to} not delivered yet: {outcome.LastError}");
            }
        }
        log.Done(actionKey);
        await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, target, Math.Max(1, most), context.Time.GetUtcNow()), ct);
        context.Health.Report("gateway", HealthState.Healthy, "last action delivered");
    }
}
