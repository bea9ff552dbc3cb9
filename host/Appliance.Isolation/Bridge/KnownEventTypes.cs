using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Appliance.Abstractions.Events;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// The typed events of the contract by type name, so an event a child published by its record (serialized as
/// JSON with its type name) is published on the host as the same record. Only types of the contract assembly are
/// known; a child cannot make the host instantiate anything else.
/// </summary>
internal static class KnownEventTypes
{
    private static readonly MethodInfo PublishMethod = typeof(KnownEventTypes).GetMethod(nameof(PublishTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly FrozenDictionary<string, Func<IEventBus, JsonElement, CancellationToken, Task<EventEnvelope>>> Publishers =
        typeof(IApplianceEvent).Assembly.GetExportedTypes()
            .Where(t => typeof(IApplianceEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .ToFrozenDictionary(
                t => t.Name,
                t => PublishMethod.MakeGenericMethod(t).CreateDelegate<Func<IEventBus, JsonElement, CancellationToken, Task<EventEnvelope>>>(),
                StringComparer.Ordinal);

    public static bool TryGetPublisher(string type, out Func<IEventBus, JsonElement, CancellationToken, Task<EventEnvelope>> publish) =>
        Publishers.TryGetValue(type, out publish!);

    private static Task<EventEnvelope> PublishTyped<TEvent>(IEventBus bus, JsonElement data, CancellationToken cancellationToken)
        where TEvent : class, IApplianceEvent
    {
        var value = data.Deserialize<TEvent>(EventEnvelope.SerializerOptions)
            ?? throw new JsonException($"{typeof(TEvent).Name}: null");
        return bus.PublishAsync(value, cancellationToken);
    }
}
