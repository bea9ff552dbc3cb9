using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>webhook</c>. Each target has its own durable
/// subscription (<c>target/{name}</c>), so a receiver that is down holds back only its own messages, which the outbox
/// keeps until it is back. Outcomes are published (<see cref="RuleActionDelivered"/>, <see cref="RuleActionExpired"/>
/// for a message older than <c>maxAgeMinutes</c> or refused by the receiver); every attempt is listed at
/// <c>GET /plugins/appliance.webhooks/deliveries</c> and on the plugin's portal page. A delivered message's alert image
/// (<see cref="WebhookPayload"/>'s <c>thumbnail</c>) is counted as data use <c>thumbnails</c>.
/// </summary>
public sealed class WebhooksPlugin : IPlugin
{
    private readonly List<HttpClient> _clients = [];

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var targets = WebhookTargets.Parse(context.Config.GetProperty("targets"));
        if (!targets.IsOk) throw new InvalidOperationException(targets.Failure!.Message);
        var maxAge = TimeSpan.FromMinutes(context.Config.GetProperty("maxAgeMinutes").GetInt32());
        var quick = context.Config.GetProperty("quickAttempts").GetInt32();
        var log = new DeliveryLog();
        var systemTrust = Client(null);
        var attempts = DeliveryAgent.Attempts(context.Time, quick, TimeSpan.FromMilliseconds(500), maxAge);
        var shared = new DeliveryAgent(new WebhookClient(systemTrust, context.Time), log, context.Time, attempts);

        foreach (var (target, pin) in targets.Value)
        {
            // A pinned receiver gets its own connections, which accept exactly its certificate.
            var agent = pin is null ? shared : new DeliveryAgent(new WebhookClient(Client(pin), context.Time), log, context.Time, attempts);
            context.Events.Subscribe($"target/{target.Name}", [nameof(RuleActionRequested)], async (envelope, ct) =>
            {
                if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null) return;
                if (action.Kind != "webhook" || action.Target != target.Name) return;
                var thumbnail = WebhookPayload.Thumbnail(action);
                var message = new WebhookMessage(WebhookPayload.MessageId(action), WebhookPayload.Build(action, thumbnail));
                var outcome = await agent.DeliverAsync(target, message, envelope.OccurredAt, ct);
                switch (outcome.Result)
                {
                    case DeliveryResult.Delivered:
                        if (thumbnail is { IsOk: true } sent) context.DataUse.Record(DataUseCategories.Thumbnails, sent.Value.Jpeg.Length);
                        await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, target.Name, outcome.Attempts, context.Time.GetUtcNow()), ct);
                        context.Health.Report(target.Name, HealthState.Healthy, $"last delivery after {outcome.Attempts} attempt(s)");
                        break;
                    case DeliveryResult.Expired or DeliveryResult.Refused:
                        var age = context.Time.GetUtcNow() - envelope.OccurredAt;
                        await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, target.Name, outcome.Attempts, age, outcome.LastError ?? ""), ct);
                        context.Logger.Warn("webhook {Id} to {Target} given up after {Attempts} attempt(s): {Error}", message.Id, target.Name, outcome.Attempts, outcome.LastError);
                        break;
                    default:
                        context.Health.Report(target.Name, HealthState.Degraded, outcome.LastError ?? "not delivered yet");
                        // Throwing leaves the event in the outbox: the subscription retries it with backoff.
                        throw new IOException($"webhook {message.Id} to {target.Name} not delivered yet: {outcome.LastError}");
                }
            });
            context.Health.Report(target.Name, HealthState.Healthy, $"ready: {target.Url.GetLeftPart(UriPartial.Authority)}");
        }
        var names = targets.Value.Select(t => $"{t.Target.Name}: {t.Target.Url.GetLeftPart(UriPartial.Authority)}{(t.Pin is null ? "" : $" (certificate pinned, sha256 {t.Pin.Fingerprint})")}").ToList();
        context.Http.Map("GET", "deliveries", (_, _) =>
            Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(log.Snapshot(), JsonSerializerOptions.Web))));
        context.Http.Map("GET", "page", (_, _) => Task.FromResult(PluginStreamResponse.Html(DeliveriesPage.Render(names, log.Snapshot()))));
        return Task.CompletedTask;
    }

    private HttpClient Client(CertificatePin? pin)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pin is not null) handler.SslOptions.RemoteCertificateValidationCallback = pin.Validation;
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _clients.Add(client);
        return client;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _clients) client.Dispose();
        _clients.Clear();
        return Task.CompletedTask;
    }
}
