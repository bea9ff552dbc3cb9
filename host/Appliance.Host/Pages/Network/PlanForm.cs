using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Network;

namespace Appliance.Host.Pages.Network;

/// <summary>
/// The planner form: the plan input's JSON shape (camelCase when serialized), bound from the form. It is turned
/// into JSON and read by the core (<c>BandwidthJson</c>), so the form and the API share one validation with paths.
/// </summary>
public sealed class PlanForm
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public List<CameraRow> Cameras { get; set; } = [];

    public List<ViewingRow> Viewing { get; set; } = [];

    public DataRow Data { get; set; } = new();

    public List<ExportRow> Exports { get; set; } = [];

    public double? AvailableUploadKbps { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PlanForm From(Bandwidth.SitePlanInput input) => new()
    {
        Cameras = input.Cameras.Select(CameraRow.From).ToList(),
        Viewing = input.Viewing.Select(ViewingRow.From).ToList(),
        Data = DataRow.From(input.Data),
        Exports = input.Exports.Select(ExportRow.From).ToList(),
        AvailableUploadKbps = NetworkFacade.AvailableUploadKbps(input),
    };
}

public sealed class CameraRow
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    public ProfileRow Hd { get; set; } = new();

    public ProfileRow Sd { get; set; } = new();

    public static CameraRow From(Bandwidth.CameraSpec c) => new() { Name = c.Name, Hd = ProfileRow.From(c.Hd), Sd = ProfileRow.From(c.Sd) };
}

public sealed class ProfileRow
{
    public static readonly IReadOnlyList<string> Codecs = ["h264", "h265", "mjpeg"];

    public int? Width { get; set; }

    public int? Height { get; set; }

    public double? Fps { get; set; }

    public int? Gop { get; set; }

    public string? Codec { get; set; } = "h264";

    /// <summary>Blank: estimated from resolution, frame rate, GOP and codec.</summary>
    public double? BitrateKbps { get; set; }

    public static ProfileRow From(Bandwidth.StreamProfile p) => new()
    {
        Width = p.Width,
        Height = p.Height,
        Fps = p.Fps,
        Gop = p.Gop,
        Codec = p.Codec.IsH265 ? "h265" : p.Codec.IsMjpeg ? "mjpeg" : "h264",
        BitrateKbps = NetworkFacade.BitrateKbps(p),
    };
}

public sealed class ViewingRow
{
    public static readonly IReadOnlyList<(string Value, string Label)> Choices =
        [("auto", "auto (1 channel HD, grid SD)"), ("sd", "SD"), ("hd", "HD")];

    public int? Viewers { get; set; }

    public int? GridSize { get; set; }

    public string? Choice { get; set; } = "auto";

    public double? HoursPerDay { get; set; }

    public static ViewingRow From(Bandwidth.ViewingPattern v) => new()
    {
        Viewers = v.Viewers,
        GridSize = v.GridSize,
        Choice = v.Choice.IsSd ? "sd" : v.Choice.IsHd ? "hd" : "auto",
        HoursPerDay = v.HoursPerDay,
    };
}

public sealed class DataRow
{
    public double? BaselineMbPerDay { get; set; }

    public double? ConfigBackupMb { get; set; }

    public double? ConfigBackupsPerWeek { get; set; }

    public double? AlertsPerDay { get; set; }

    public double? AlertMessageKb { get; set; }

    public double? AlertImagesPerAlert { get; set; }

    public double? ImageMb { get; set; }

    public double? DayNightImagesPerCameraPerDay { get; set; }

    public static DataRow From(Bandwidth.DataPolicy d) => new()
    {
        BaselineMbPerDay = d.BaselineMbPerDay,
        ConfigBackupMb = d.ConfigBackupMb,
        ConfigBackupsPerWeek = d.ConfigBackupsPerWeek,
        AlertsPerDay = d.AlertsPerDay,
        AlertMessageKb = d.AlertMessageKb,
        AlertImagesPerAlert = d.AlertImagesPerAlert,
        ImageMb = d.ImageMb,
        DayNightImagesPerCameraPerDay = d.DayNightImagesPerCameraPerDay,
    };
}

public sealed class ExportRow
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; set; }

    public double? MinutesPerMonth { get; set; }

    public ProfileRow Profile { get; set; } = new();

    public static ExportRow From(Bandwidth.ExportPlan e) => new() { Label = e.Label, MinutesPerMonth = e.MinutesPerMonth, Profile = ProfileRow.From(e.Profile) };
}
