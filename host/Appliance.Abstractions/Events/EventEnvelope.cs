using System.Text.Json;

namespace Appliance.Abstractions.Events;

/// <summary>Marker of a typed event. Its type name (e.g. <c>CameraWentOffline</c>) is the event's <see cref="EventEnvelope.Type"/>.</summary>
public interface IApplianceEvent
{
    /// <summary>What the event is about: camera, alarm, analytics, system.</summary>
    EventCategory Category { get; }
}

public enum EventCategory { Camera, Alarm, Analytics, System }

/// <summary>An event as stored in the outbox and delivered to subscribers.</summary>
public sealed record EventEnvelope(
    long Sequence,
    Guid Id,
    string Type,
    EventCategory Category,
    string Source,
    DateTimeOffset OccurredAt,
    JsonElement Data)
{
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The event as a typed record, if <typeparamref name="TEvent"/> is its type.</summary>
    public bool TryGet<TEvent>(out TEvent? value) where TEvent : class, IApplianceEvent
    {
        value = null;
        if (Type != typeof(TEvent).Name) return false;
        value = Data.Deserialize<TEvent>(SerializerOptions);
        return value is not null;
    }
}
