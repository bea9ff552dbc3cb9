using Appliance.Host.Events;

namespace Appliance.Host.SystemServices.Liveness;

/// <summary>The outbox's database answers: the newest event can be read (the path every delivery loop takes).</summary>
public sealed class OutboxLivenessCheck(OutboxEventBus bus) : ILivenessCheck
{
    public string Name => "outbox";

    public Task ProveProgressAsync(CancellationToken ct) => Task.Run(() => bus.Recent(1), ct);
}
