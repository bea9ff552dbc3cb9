namespace Appliance.Plugins.Media.Protocol.Snapshots;

/// <summary>
/// When reference images are due: at fixed times of day (UTC, e.g. 12:00 for day and 00:00 for night). Pure.
/// </summary>
public sealed class ReferenceSchedule
{
    private readonly TimeOnly[] _times;

    public ReferenceSchedule(IEnumerable<TimeOnly> times)
    {
        _times = times.Distinct().Order().ToArray();
    }

    public IReadOnlyList<TimeOnly> Times => _times;

    /// <summary>Parses "HH:mm" entries; fails with <c>invalid-time</c> naming the first bad one.</summary>
    public static Appliance.Abstractions.Result<ReferenceSchedule> Parse(IEnumerable<string> times)
    {
        var parsed = new List<TimeOnly>();
        foreach (var text in times)
        {
            if (!TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t))
                return Appliance.Abstractions.Result<ReferenceSchedule>.Fail("invalid-time", $"reference time '{text}' is not HH:mm");
            parsed.Add(t);
        }
        return new ReferenceSchedule(parsed);
    }

    /// <summary>The first due moment strictly after <paramref name="after"/>, or null when no times are set.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (_times.Length == 0) return null;
        var utc = after.ToUniversalTime();
        var day = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        for (var d = 0; d < 2; d++)
            foreach (var t in _times)
            {
                var at = day.AddDays(d).Add(t.ToTimeSpan());
                if (at > utc) return at;
            }
        return null; // unreachable with at least one time
    }

    /// <summary>A label for an image taken at <paramref name="at"/>: <c>day</c> between 06:00 and 18:00 UTC, else <c>night</c>.</summary>
    public static string Label(DateTimeOffset at) => at.ToUniversalTime().Hour is >= 6 and < 18 ? "day" : "night";
}
