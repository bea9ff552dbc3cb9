using System.Globalization;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Core.Network;

namespace Appliance.Host.DataUse;

/// <summary>
/// <c>GET /api/v1/datause?month=YYYY-MM</c>: the bytes recorded per day and for the month, per category, next to the
/// bandwidth planner's estimate for the same configuration (its defaults for the configured cameras, the input
/// <c>GET /api/v1/network/plan/defaults</c> gives and <c>POST /api/v1/network/plan</c> plans). The planner's lines map
/// to categories: exports to <c>clips</c>, alert and day/night images to <c>thumbnails</c>, configuration backups to
/// <c>backups</c>, baseline communication and alert messages to <c>telemetry</c>; lines the appliance does not meter
/// (remote viewing) are listed apart.
/// </summary>
public static class DataUseReport
{
    /// <summary>The month a <c>YYYY-MM</c> text names (its first day); a failure naming the text otherwise.</summary>
    public static Result<DateOnly> ParseMonth(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        }

        return text.Length == 7 && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : Result<DateOnly>.Fail(Failure.InvalidCode, $"month: '{Cut(text)}' is not a month as YYYY-MM (e.g. 2026-03)");
    }

    public static DataUseResponse Build(DateOnly month, IReadOnlyList<DataUseRow> rows, Bandwidth.SitePlan plan)
    {
        var days = rows.GroupBy(r => r.Day)
            .Select(g => new DataUseDay(g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ByCategory(g), g.Sum(r => r.Bytes)))
            .ToList();
        var sources = rows.GroupBy(r => r.Source, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Bytes), StringComparer.Ordinal);
        var daysInMonth = DateTime.DaysInMonth(month.Year, month.Month);
        var perDay = DataUseCategories.All.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        var notMetered = new List<DataUseUnmetered>();
        foreach (var line in plan.Data)
        {
            var category = CategoryOf(line.Category);
            if (category is null)
            {
                notMetered.Add(new DataUseUnmetered(line.Category, Bytes(line.MbPerDay)));
            }
            else
            {
                perDay[category] += Bytes(line.MbPerDay);
            }
        }

        var estimate = new DataUseEstimate(
            perDay,
            perDay.ToDictionary(kv => kv.Key, kv => kv.Value * daysInMonth, StringComparer.Ordinal),
            perDay.Values.Sum() * daysInMonth,
            notMetered,
            "the bandwidth planner for the configured cameras (GET /api/v1/network/plan/defaults), MB of 10^6 bytes");
        return new DataUseResponse(
            month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            DataUseCategories.All,
            days,
            ByCategory(rows),
            rows.Sum(r => r.Bytes),
            sources,
            estimate);
    }

    /// <summary>The data-use category a planner line is counted in; null for a line the appliance does not meter.</summary>
    public static string? CategoryOf(string planLine) => planLine switch
    {
        "Baseline cloud communication" or "Alert transmission" => DataUseCategories.Telemetry,
        "Configuration file backup" => DataUseCategories.Backups,
        "Alert images" or "Day / night images" => DataUseCategories.Thumbnails,
        _ when planLine.StartsWith("Export: ", StringComparison.Ordinal) => DataUseCategories.Clips,
        _ => null,
    };

    private static Dictionary<string, long> ByCategory(IEnumerable<DataUseRow> rows)
    {
        var totals = DataUseCategories.All.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            totals[row.Category] = totals.GetValueOrDefault(row.Category) + row.Bytes;
        }

        return totals;
    }

    private static long Bytes(double mb) => (long)Math.Round(mb * 1e6);

    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

public sealed record DataUseResponse(
    string Month,
    IReadOnlyList<string> Categories,
    IReadOnlyList<DataUseDay> Days,
    IReadOnlyDictionary<string, long> MonthBytes,
    long MonthTotal,
    IReadOnlyDictionary<string, long> SourceBytes,
    DataUseEstimate Estimate);

/// <summary>One day with recorded bytes (days without any are left out).</summary>
public sealed record DataUseDay(string Day, IReadOnlyDictionary<string, long> Bytes, long Total);

public sealed record DataUseEstimate(
    IReadOnlyDictionary<string, long> PerDay,
    IReadOnlyDictionary<string, long> PerMonth,
    long MonthTotal,
    IReadOnlyList<DataUseUnmetered> NotMetered,
    string Basis);

/// <summary>A planner line the appliance does not meter, with its estimate per day.</summary>
public sealed record DataUseUnmetered(string Line, long BytesPerDay);
