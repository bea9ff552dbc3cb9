using Appliance.Abstractions;
using Appliance.Plugins.Pos.Protocol;

namespace Appliance.Plugins.Pos;

/// <summary>Stores a transaction, then publishes it (<see cref="PosEventTypes.Completed"/>) and the rule events it raises.</summary>
internal sealed class PosIngest(IPluginContext context, PosStore store)
{
    public async Task StoreAsync(RegisterSettings register, PosTransaction t, CancellationToken ct)
    {
        var id = store.Add(register.Name, register.CameraId, t);
        foreach (var (type, withText) in PosEventTypes.Alarms(t, register.RefundThreshold).Select(a => (a, false)).Prepend((PosEventTypes.Completed, true)))
        {
            var published = await context.NamedEvents.PublishAsync(type, PosEventTypes.Payload(id, register, t, withText), ct);
            if (!published.IsOk)
            {
                context.Logger.Error(null, "POS {Type} of register {Register} (transaction {Id}, stored) not published: {Failure}", type, register.Name, id, published.Failure);
                context.Health.Report($"register/{register.Name}", HealthState.Degraded, $"transaction {id} stored but {type} not published: {published.Failure}");
                return;
            }
        }
        context.Health.Report($"register/{register.Name}", HealthState.Healthy,
            $"last transaction {id} at {t.EndedAt:O} ({t.EndedBy}, {t.Lines.Count} line(s), {t.Items.Count} item(s))");
    }
}
