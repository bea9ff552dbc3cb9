using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.NxWitness.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.NxWitness;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>vms</c> whose target is a configured Nx server's <c>name</c>
/// as generic events, signed in with that server's own account. Each server has its own durable subscription (<c>server/{name}</c>): a server that is down
/// holds back only its own events, which the outbox keeps until it is back; each is then sent in order. Older than
/// <c>maxAgeMinutes</c>, an undelivered event is reported as <see cref="RuleActionExpired"/>. Camera registration is
/// the admin route <see cref="CameraRegistrationRoute"/>.
/// </summary>
public sealed class NxWitnessPlugin : IPlugin
{
    private NxHttp? _http;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var servers = NxServers.Parse(config.GetProperty("servers"));
        if (!servers.IsOk) throw new InvalidOperationException(servers.Failure!.Message);
        var maxAge = TimeSpan.FromMinutes(config.GetProperty("maxAgeMinutes").GetInt32());
        var attempts = new DeliveryAttempts(context.Time, config.GetProperty("quickAttempts").GetInt32(), TimeSpan.FromMilliseconds(200), maxAge)
        {
            EndsRun = NxClient.NotWorthRepeatingNow,
        };
        _http = new NxHttp();
        var client = new NxClient(_http);
        foreach (var server in servers.Value)
        {
            context.Events.Subscribe($"server/{server.Name}", [nameof(RuleActionRequested)], (envelope, ct) => DeliverAsync(context, attempts, client, server, envelope, ct));
            context.Health.Report(server.Name, HealthState.Healthy, $"ready: {server.Api.BaseUri}");
        }
        var streamPassword = config.TryGetProperty("streamPassword", out var sp) ? sp.GetString() : null;
        var route = new CameraRegistrationRoute(servers.Value, client, config.GetProperty("streamUser").GetString(), streamPassword, SearchPolling.Default);
        context.Routes.Map("POST", CameraRegistrationRoute.Template, route.HandleAsync);
        return Task.CompletedTask;
    }

    private static async Task DeliverAsync(IPluginContext context, DeliveryAttempts attempts, NxClient client, ConfiguredServer server, EventEnvelope envelope, CancellationToken ct)
    {
        if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null) return;
        if (action.Kind != "vms" || action.Target != server.Name) return;
        var genericEvent = GenericEvents.For(action);
        var id = $"{action.TriggerEventId:N}/{action.RuleId}/{action.ActionIndex}";
        var outcome = await attempts.RunAsync(id, envelope.OccurredAt, token => client.CreateEventAsync(server.Api, genericEvent, token), ct);
        var name = server.Name;
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                context.Health.Report(name, HealthState.Healthy, $"last event delivered after {outcome.Attempts} attempt(s)");
                await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, name, outcome.Attempts, context.Time.GetUtcNow()), ct);
                break;
            case DeliveryResult.Expired:
                await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, name, outcome.Attempts,
                    context.Time.GetUtcNow() - envelope.OccurredAt, outcome.LastFailure?.ToString() ?? ""), ct);
                break;
            default:
                var state = outcome.LastFailure?.Code == "auth" ? HealthState.Unhealthy : HealthState.Degraded;
                context.Health.Report(name, state, outcome.LastFailure?.ToString() ?? "not delivered yet");
                throw new IOException($"event for {name} not delivered yet: {outcome.LastFailure}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _http?.Dispose();
        _http = null;
        return Task.CompletedTask;
    }
}
