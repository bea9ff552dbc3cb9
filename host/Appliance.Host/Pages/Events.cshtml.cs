using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>The most recent events in the outbox, optionally of one type; new ones are appended live by <c>events.js</c>.</summary>
public sealed class EventsModel(OutboxEventBus bus) : PageModel
{
    public const int Limit = 100;

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    public IReadOnlyList<EventEnvelope> Events { get; private set; } = [];

    /// <summary>Types seen among the latest events, offered as filter suggestions.</summary>
    public IReadOnlyList<string> KnownTypes { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>The newest event's sequence number, where the live tail starts.</summary>
    public long LastSequence { get; private set; }

    public void OnGet()
    {
        var type = string.IsNullOrWhiteSpace(Type) ? null : Type.Trim();
        if (type is not null && (type.Length > 100 || !type.All(char.IsAsciiLetterOrDigit)))
        {
            Error = "An event type is 1 to 100 letters or digits, e.g. PluginStateChanged.";
            type = null;
        }
        Type = type;
        Events = bus.Recent(Limit, type: type);
        LastSequence = bus.Recent(1).FirstOrDefault()?.Sequence ?? 0;
        KnownTypes = bus.Recent(500).Select(e => e.Type).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
