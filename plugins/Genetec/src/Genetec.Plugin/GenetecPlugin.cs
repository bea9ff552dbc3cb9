using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Genetec.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>vms</c> whose target names a configured server.
/// Each server has its own durable subscription (<c>server/{name}</c>): a server that is down holds back only its
/// own actions, which the outbox keeps and hands again, in order, until delivered or older than
/// <c>maxAgeMinutes</c> (then <see cref="RuleActionExpired"/>). Bad action parameters expire at once.
/// </summary>
public sealed class GenetecPlugin : IPlugin
{
    private readonly List<WebSdkClient> _clients = [];

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var servers = GenetecServers.Parse(context.Config.GetProperty("servers"));
        if (!servers.IsOk) throw new InvalidOperationException(servers.Failure!.Message);
        var maxAge = TimeSpan.FromMinutes(context.Config.GetProperty("maxAgeMinutes").GetInt32());
        var delivery = new DeliveryAttempts(context.Time, context.Config.GetProperty("quickAttempts").GetInt32(), TimeSpan.FromMilliseconds(200), maxAge);
        foreach (var server in servers.Value)
        {
            var client = new WebSdkClient(server.Endpoint, server.Credentials, server.Pin, server.Timeout);
            _clients.Add(client);
            context.Events.Subscribe($"server/{server.Name}", [nameof(RuleActionRequested)],
                (envelope, ct) => HandleAsync(context, server, client, delivery, envelope, ct));
            context.Health.Report(server.Name, HealthState.Healthy, $"ready: {server.Endpoint.Base} (trust: {WebSdkClient.Trust(server.Pin)})");
        }
        return Task.CompletedTask;
    }

    private static async Task HandleAsync(IPluginContext context, GenetecServer server, WebSdkClient client, DeliveryAttempts delivery, EventEnvelope envelope, CancellationToken ct)
    {
        if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null) return;
        if (action.Kind != "vms" || action.Target != server.Name) return;
        var webSdkAction = ActionParameters.ToWebSdkAction(action);
        if (!webSdkAction.IsOk)
        {
            await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, server.Name, 0,
                context.Time.GetUtcNow() - envelope.OccurredAt, webSdkAction.Failure!.ToString()), ct);
            return;
        }
        var outcome = await delivery.RunAsync(envelope.Id.ToString("N"), envelope.OccurredAt, token => client.SendAsync(webSdkAction.Value, token), ct);
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                context.Health.Report(server.Name, HealthState.Healthy, $"{webSdkAction.Value.Describe()} delivered after {outcome.Attempts} attempt(s)");
                await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, server.Name, outcome.Attempts, context.Time.GetUtcNow()), ct);
                break;
            case DeliveryResult.Expired:
                context.Health.Report(server.Name, HealthState.Degraded, $"expired after {outcome.Attempts} attempt(s): {outcome.LastFailure}");
                await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, server.Name, outcome.Attempts,
                    context.Time.GetUtcNow() - envelope.OccurredAt, outcome.LastFailure?.ToString() ?? ""), ct);
                break;
            default:
                context.Health.Report(server.Name, HealthState.Degraded, outcome.LastFailure?.ToString() ?? "not delivered yet");
                throw new IOException($"action for {server.Name} not delivered yet: {outcome.LastFailure}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _clients) client.Dispose();
        _clients.Clear();
        return Task.CompletedTask;
    }
}
