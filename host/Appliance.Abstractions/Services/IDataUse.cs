namespace Appliance.Abstractions.Services;

/// <summary>
/// Data-use accounting (HostApi 1.1): bytes a plugin sent off the site (to cloud storage, the fleet, a VMS in the
/// cloud), per category, counted by the host per UTC day and shown by <c>GET /api/v1/datause</c> next to the
/// bandwidth planner's estimate. Report what went over the link (retries included) as it goes; the host adds up
/// many small reports before it writes them.
/// </summary>
public interface IDataUse
{
    /// <summary>
    /// Adds <paramref name="bytes"/> to today's total of <paramref name="category"/> (one of
    /// <see cref="DataUseCategories.All"/>). An unknown category or a negative count is a bug: <see cref="ArgumentException"/>.
    /// </summary>
    void Record(string category, long bytes);
}

/// <summary>The categories of <see cref="IDataUse"/>, those of the planner's "Recorder Data Usage" table.</summary>
public static class DataUseCategories
{
    /// <summary>Exported video clips.</summary>
    public const string Clips = "clips";

    /// <summary>Alert images and day/night reference images.</summary>
    public const string Thumbnails = "thumbnails";

    /// <summary>Configuration backups.</summary>
    public const string Backups = "backups";

    /// <summary>Events, alerts and telemetry to the fleet.</summary>
    public const string Telemetry = "telemetry";

    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Clips, Thumbnails, Backups, Telemetry, Other];
}
