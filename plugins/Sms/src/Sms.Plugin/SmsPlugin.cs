using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Sms.Protocol;

namespace Appliance.Plugins.Sms;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>sms</c> through one durable subscription
/// (<c>gateway</c>): each recipient gets one text through the configured gateway. A gateway that is down holds the
/// actions in the outbox until it is back; over the per-rule rate limit, refused by the gateway (a bad number, refused
/// credentials) or older than <c>maxAgeMinutes</c>, an action is reported as <see cref="RuleActionExpired"/>, never
/// silently dropped. The latest messages are listed at <c>GET /plugins/appliance.sms/messages</c>.
/// </summary>
public sealed class SmsPlugin : IPlugin
{
    private HttpClient? _http;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var c = context.Config;
        var log = new SentLog();
        context.Http.Map("GET", "messages", (_, _) =>
            Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(log.Snapshot(), JsonSerializerOptions.Web))));
        var host = c.GetProperty("host").GetString() ?? "";
        if (host.Length == 0)
        {
            context.Health.Report("gateway", HealthState.Healthy, "no SMS gateway configured: SMS actions wait in the outbox");
            return Task.CompletedTask;
        }
        var gateway = SmsGateway.Create(host, c.GetProperty("port").GetInt32(), c.GetProperty("path").GetString() ?? "",
            c.GetProperty("accountSid").GetString() ?? "", c.TryGetProperty("authToken", out var token) ? token.GetString() ?? "" : "",
            c.GetProperty("from").GetString() ?? "", TimeSpan.FromSeconds(c.GetProperty("timeoutSeconds").GetInt32()));
        if (!gateway.IsOk) throw new InvalidOperationException(gateway.Failure!.Message);
        var pin = CertificatePin.Parse(c.GetProperty("certificateSha256").GetString());
        if (!pin.IsOk) throw new InvalidOperationException(pin.Failure!.Message);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pin.Value is not null) handler.SslOptions.RemoteCertificateValidationCallback = pin.Value.Validation;
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new SmsClient(_http);
        var limit = new RuleRateLimit(c.GetProperty("maxPerRulePerHour").GetInt32(), TimeSpan.FromHours(1));
        var attempts = new DeliveryAttempts(context.Time, quickAttempts: 2, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(c.GetProperty("maxAgeMinutes").GetInt32()))
        {
            // A number the gateway refuses or credentials it refuses will not get better by repeating.
            IsFinal = f => f.Code is "rejected" or "auth" or "malformed",
        };
        var deliver = new SmsDelivery(context, gateway.Value, client, limit, attempts, log);
        context.Events.Subscribe("gateway", [nameof(RuleActionRequested)], deliver.HandleAsync);
        context.Health.Report("gateway", HealthState.Healthy, $"ready: {gateway.Value.Url.GetLeftPart(UriPartial.Authority)}{(pin.Value is null ? "" : " (certificate pinned)")}");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _http?.Dispose();
        _http = null;
        return Task.CompletedTask;
    }
}
