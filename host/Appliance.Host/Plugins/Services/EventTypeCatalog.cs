using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Core.Manifest;
using Appliance.Host.Events;

namespace Appliance.Host.Plugins.Services;

/// <summary>
/// Every event type the appliance knows: the built-in records of Abstractions (owner <c>appliance.host</c>) and the
/// types plugins register by name with a JSON schema (checked by the F# core). Named events are appended to the same
/// outbox as typed ones.
/// </summary>
public sealed class EventTypeCatalog
{
    public const string HostOwner = "appliance.host";
    public const int MaxPayloadBytes = 65536;

    private readonly ConcurrentDictionary<string, (EventTypeInfo Info, JsonElement? Schema)> _types = new(StringComparer.Ordinal);

    public EventTypeCatalog()
    {
        foreach (var type in typeof(IApplianceEvent).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IApplianceEvent).IsAssignableFrom(t)))
        {
            var category = ((IApplianceEvent)RuntimeHelpers.GetUninitializedObject(type)).Category;
            _types[type.Name] = (new EventTypeInfo(type.Name, category, $"built-in event {type.Name}", null, HostOwner), null);
        }
    }

    public IReadOnlyList<EventTypeInfo> All() => _types.Values.Select(v => v.Info).OrderBy(i => i.Type, StringComparer.Ordinal).ToList();

    public Result<EventTypeInfo> Register(string owner, string type, EventCategory category, string jsonSchema, string description)
    {
        if (!EventSchema.isTypeName(type ?? ""))
            return Result<EventTypeInfo>.Fail("invalid-name", $"'{type}' is not an event type name (PascalCase, 3 to 64 letters and digits)");
        var schema = ManifestFacade.ParseEventSchema(jsonSchema ?? "");
        if (!schema.IsOk)
            return Result<EventTypeInfo>.Fail("invalid-schema", string.Join("; ", schema.Failure!.Errors));
        var info = new EventTypeInfo(type!, category, description ?? "", jsonSchema, owner);
        var stored = _types.GetOrAdd(type!, (info, schema.Value));
        if (stored.Info.Owner != owner)
            return Result<EventTypeInfo>.Fail("taken", $"event type '{type}' belongs to {stored.Info.Owner}");
        _types[type!] = (info, schema.Value);
        return info;
    }

    /// <summary>Forgets the types of an uninstalled plugin.</summary>
    public void RemoveOwner(string owner)
    {
        foreach (var (name, entry) in _types)
            if (entry.Info.Owner == owner) _types.TryRemove(name, out _);
    }

    public Result<EventEnvelope> Publish(OutboxEventBus bus, string owner, string type, JsonElement data)
    {
        if (!_types.TryGetValue(type ?? "", out var entry)) return Result<EventEnvelope>.Fail("unknown-type", $"event type '{type}' is not registered");
        if (entry.Info.Owner != owner) return Result<EventEnvelope>.Fail("not-owner", $"event type '{type}' belongs to {entry.Info.Owner}");
        var raw = data.GetRawText();
        if (raw.Length > MaxPayloadBytes) return Result<EventEnvelope>.Fail("too-large", $"payload of {raw.Length} bytes; the limit is {MaxPayloadBytes}");
        var problems = EventSchema.validate(entry.Schema!.Value, "data", data);
        if (!problems.IsEmpty) return Result<EventEnvelope>.Fail("schema", string.Join("; ", problems.Select(p => p.ToString())));
        return bus.Append(owner, type!, entry.Info.Category, data.Clone());
    }

    /// <summary>The category of a type name, if known (used to filter subscriptions by category).</summary>
    public EventCategory? CategoryOf(string type) => _types.TryGetValue(type, out var e) ? e.Info.Category : null;
}

/// <summary>The <see cref="INamedEvents"/> one plugin sees.</summary>
internal sealed class PluginNamedEvents(EventTypeCatalog catalog, OutboxEventBus bus, IEventBus pluginBus, string pluginId) : INamedEvents
{
    public Result<EventTypeInfo> Register(string type, EventCategory category, string jsonSchema, string description) =>
        catalog.Register(pluginId, type, category, jsonSchema, description);

    public IReadOnlyList<EventTypeInfo> Types() => catalog.All();

    public Task<Result<EventEnvelope>> PublishAsync(string type, JsonElement data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(catalog.Publish(bus, pluginId, type, data));
    }

    public IDisposable Subscribe(string subscription, EventFilter filter, Appliance.Abstractions.Events.EventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(handler);
        if (filter.Categories.Count == 0) return pluginBus.Subscribe(subscription, filter.Types, handler);
        // Categories: receive every event and pass on those that match (the others count as delivered).
        return pluginBus.Subscribe(subscription, [], (envelope, ct) =>
            filter.Matches(envelope.Type, envelope.Category) ? handler(envelope, ct) : Task.CompletedTask);
    }
}
