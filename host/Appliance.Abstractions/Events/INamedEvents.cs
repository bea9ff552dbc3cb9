using System.Text.Json;

namespace Appliance.Abstractions.Events;

/// <summary>
/// Events by type name (HostApi 1.1): a plugin defines its own event types without a host API change, and any
/// plugin subscribes to them without referencing the publisher's assembly. Named events go through the same
/// durable outbox as the typed ones (<see cref="IEventBus"/>): same envelope, same at-least-once delivery, same
/// Events page and API; a typed subscriber and a named subscriber see the same events.
/// <para>
/// Type names are PascalCase past-tense nouns (<c>^[A-Z][A-Za-z0-9]{2,63}$</c>, e.g. <c>RecordingFinished</c>),
/// unique across the appliance: a name owned by the host (a built-in event) or by another plugin is refused.
/// A type is owned by the plugin that declares it (manifest <c>events</c>) or registers it; only the owner
/// publishes it by name.
/// </para>
/// </summary>
public interface INamedEvents
{
    /// <summary>
    /// Registers (or re-registers, identically) an event type of this plugin. <paramref name="jsonSchema"/> is a JSON
    /// Schema (the subset in the Abstractions README: type, properties, required, additionalProperties, items, enum,
    /// minimum, maximum, minLength, maxLength, maxItems, description) that every published payload must satisfy.
    /// Failure codes: <c>invalid-name</c>, <c>taken</c> (owned by the host or another plugin), <c>invalid-schema</c>.
    /// </summary>
    Result<EventTypeInfo> Register(string type, EventCategory category, string jsonSchema, string description);

    /// <summary>Every known event type: built-in ones (owner <c>appliance.host</c>, no schema) and those plugins registered.</summary>
    IReadOnlyList<EventTypeInfo> Types();

    /// <summary>
    /// Publishes a payload of an event type this plugin owns; returns once the event is stored durably. Failure codes:
    /// <c>unknown-type</c>, <c>not-owner</c>, <c>schema</c> (the message names the JSON path that failed),
    /// <c>too-large</c> (payloads are limited to 64 KiB of JSON).
    /// </summary>
    Task<Result<EventEnvelope>> PublishAsync(string type, JsonElement data, CancellationToken cancellationToken = default);

    /// <summary>
    /// A durable subscription by filter: same semantics as <see cref="IEventBus.Subscribe"/> (stable name within the
    /// plugin, resumes after a restart, dispose to stop delivery). The handler receives the envelope; read
    /// <see cref="EventEnvelope.Data"/> as JSON.
    /// </summary>
    IDisposable Subscribe(string subscription, EventFilter filter, EventHandler handler);
}

/// <summary>An event type known to the appliance.</summary>
/// <param name="Type">The type name, as in <see cref="EventEnvelope.Type"/>.</param>
/// <param name="Category">Its category.</param>
/// <param name="Description">What it means, for people.</param>
/// <param name="Schema">Its JSON Schema as text; null for built-in events (their record is the schema).</param>
/// <param name="Owner">The plugin id that owns it, or <c>appliance.host</c> for built-in events.</param>
public sealed record EventTypeInfo(string Type, EventCategory Category, string Description, string? Schema, string Owner);

/// <summary>
/// Which events a subscription receives: those whose type is in <see cref="Types"/> or whose category is in
/// <see cref="Categories"/>; both empty = every event.
/// </summary>
public sealed record EventFilter(IReadOnlyCollection<string> Types, IReadOnlyCollection<EventCategory> Categories)
{
    public static readonly EventFilter All = new([], []);

    public static EventFilter ByTypes(params string[] types) => new(types, []);

    public static EventFilter ByCategories(params EventCategory[] categories) => new([], categories);

    /// <summary>True when an event of this type and category passes the filter.</summary>
    public bool Matches(string type, EventCategory category) =>
        (Types.Count == 0 && Categories.Count == 0) || Types.Contains(type) || Categories.Contains(category);
}
