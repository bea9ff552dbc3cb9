using System.Globalization;
using Appliance.Abstractions.Events;
using Appliance.Host.Cameras;
using Appliance.Host.Events;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// The event log: one readable line per event (<see cref="EventSummary"/>), filtered by type, camera and time range,
/// paged by sequence, in the appliance's time zone. The newest page follows the event stream (live.js).
/// </summary>
public sealed class EventsModel(OutboxEventBus bus, CameraStore cameras, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The periodic samples that would fill the log; hidden unless <see cref="Health"/> is on.</summary>
    public static readonly IReadOnlyList<string> HealthSampleTypes = [nameof(StreamHealthMeasured), nameof(SystemHealthSampled)];

    private const string LocalFormat = "yyyy-MM-ddTHH:mm";

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Camera { get; set; }

    /// <summary>Start of the time range, local time of the appliance (<c>yyyy-MM-ddTHH:mm</c>, as a datetime-local input sends it).</summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Until { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Health { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    public IReadOnlyList<EventEnvelope> Events { get; private set; } = [];

    public IReadOnlyList<string> KnownTypes { get; private set; } = [];

    public IReadOnlyList<string> CameraIds { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public bool HasOlder { get; private set; }

    public bool HasNewer { get; private set; }

    /// <summary>Whether this is the newest page, which follows the stream (an older page stays still).</summary>
    public bool IsNewest => Before is null && After is null;

    public TimeZoneInfo Zone => time.LocalTimeZone;

    public void OnGet()
    {
        var errors = new List<string>();
        Type = Clean(Type);
        if (Type is not null && (Type.Length > 100 || !Type.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add("An event type is 1 to 100 letters or digits, e.g. PluginStateChanged.");
            Type = null;
        }
        Camera = Clean(Camera);
        if (Camera is not null && Camera.Length > 100)
        {
            errors.Add("A camera id is at most 100 characters.");
            Camera = null;
        }
        var from = ParseLocal(From, "From", errors);
        var until = ParseLocal(Until, "Until", errors);
        if (from is not null && until is not null && until <= from) errors.Add("The time range ends before it starts.");
        Errors = errors;

        var filter = new EventLogFilter(Type, Camera, from, until, Health ? null : HealthSampleTypes);
        var page = After is { } after ? bus.Find(filter, PageSize, afterSeq: after).Reverse().ToList() : bus.Find(filter, PageSize, beforeSeq: Before);
        if (After is not null && page.Count < PageSize)
        {
            // Paging forward reached the newest events: show the newest full page, which follows the stream.
            After = null;
            page = bus.Find(filter, PageSize);
        }
        Events = page;
        HasOlder = page.Count > 0 && bus.Find(filter, 1, beforeSeq: page[^1].Sequence).Count > 0;
        HasNewer = page.Count > 0 && bus.Find(filter, 1, afterSeq: page[0].Sequence).Count > 0;
        KnownTypes = bus.Recent(500).Select(e => e.Type).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        CameraIds = cameras.List().Select(c => c.Id).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>An event's time in the appliance's zone.</summary>
    public string LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The zone as shown in the table's heading, e.g. <c>Europe/Berlin, UTC+01:00</c>.</summary>
    public string ZoneLabel()
    {
        var offset = Zone.GetUtcOffset(time.GetUtcNow());
        return $"{Zone.Id}, UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}";
    }

    /// <summary>The current filters as route values, for the paging links.</summary>
    public Dictionary<string, string?> FilterRoute(long? before = null, long? after = null) => new()
    {
        ["type"] = Type,
        ["camera"] = Camera,
        ["from"] = From,
        ["until"] = Until,
        ["health"] = Health ? "true" : null,
        ["before"] = before?.ToString(CultureInfo.InvariantCulture),
        ["after"] = after?.ToString(CultureInfo.InvariantCulture),
    };

    private DateTimeOffset? ParseLocal(string? text, string name, List<string> errors)
    {
        if (Clean(text) is not { } value) return null;
        if (!DateTime.TryParseExact(value, [LocalFormat, LocalFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors.Add($"{name}: '{EventSummary.Clip(value, 40)}' is not a date and time (yyyy-MM-ddTHH:mm).");
            return null;
        }
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A local time the clocks skipped (spring forward) is read as the moment after the gap.
        var offset = Zone.IsInvalidTime(unspecified) ? Zone.GetUtcOffset(unspecified.AddHours(1)) : Zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
