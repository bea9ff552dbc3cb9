using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Mqtt.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Mqtt;

/// <summary>
/// Publishes <see cref="RuleActionRequested"/> events of kind <c>mqtt</c> to the configured broker through one
/// durable subscription (<c>broker</c>): a broker that is down holds the actions in the outbox, and they are published
/// in order when it is back. Older than <c>maxAgeMinutes</c> when publishing fails, an action is reported as
/// <see cref="RuleActionExpired"/>; a topic or payload that can never be published is reported at once; a published
/// one as <see cref="RuleActionDelivered"/>. Never a silent drop.
/// </summary>
public sealed class MqttPlugin : IPlugin
{
    public const string Component = "broker";

    private MqttPublisher? _publisher;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var read = BrokerConfig.Read(config, context.DataDirectory);
        if (!read.IsOk) throw new InvalidOperationException(read.Failure!.Message);
        if (read.Value is not { } settings)
        {
            context.Health.Report(Component, HealthState.Healthy, "no broker configured: MQTT actions wait in the outbox");
            return Task.CompletedTask;
        }
        var prefix = config.GetProperty("topicPrefix").GetString();
        var maxAge = TimeSpan.FromMinutes(config.GetProperty("maxAgeMinutes").GetInt32());
        var sender = new DeliveryAttempts(context.Time, config.GetProperty("quickAttempts").GetInt32(), TimeSpan.FromMilliseconds(200), maxAge)
        {
            IsFinal = MqttPublisher.IsDefinite,
        };
        var publisher = _publisher = new MqttPublisher(settings);

        context.Events.Subscribe(Component, [nameof(RuleActionRequested)], async (envelope, ct) =>
        {
            if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null || action.Kind != "mqtt") return;
            var message = ActionMessage.For(action, prefix);
            var outcome = message.IsOk
                ? await sender.RunAsync(envelope.Id.ToString(), envelope.OccurredAt,
                    token => publisher.PublishAsync(message.Value.Topic, message.Value.Payload, message.Value.Properties, token), ct)
                : new DeliveryOutcome(DeliveryResult.Refused, 0, message.Failure);
            var target = message.IsOk ? message.Value.Topic : action.Target;
            switch (outcome.Result)
            {
                case DeliveryResult.Delivered:
                    context.Health.Report(Component, HealthState.Healthy, $"last action published after {outcome.Attempts} attempt(s)");
                    await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, target, outcome.Attempts, context.Time.GetUtcNow()), ct);
                    break;
                case DeliveryResult.Expired or DeliveryResult.Refused:
                    await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, target, outcome.Attempts,
                        context.Time.GetUtcNow() - envelope.OccurredAt, outcome.LastError ?? ""), ct);
                    break;
                default:
                    context.Health.Report(Component, HealthState.Degraded, outcome.LastError ?? "not published yet");
                    throw new IOException($"MQTT action of rule {action.RuleId} not published yet: {outcome.LastError}");
            }
        });
        context.Health.Report(Component, HealthState.Healthy, $"ready: {settings}");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_publisher is { } publisher) await publisher.DisposeAsync();
        _publisher = null;
    }
}
