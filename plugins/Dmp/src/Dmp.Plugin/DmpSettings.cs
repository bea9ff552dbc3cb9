using System.Globalization;
using System.Net;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp;

/// <summary>The plugin's configuration, checked: every error found is reported at once with its path.</summary>
internal sealed record DmpSettings(
    int Port,
    IPAddress? BindAddress,
    IReadOnlyList<PanelSettings> Panels,
    TimeSpan IdleTimeout,
    int MaxFrameBytes,
    int MaxConnections,
    TimeSpan LinkCheck)
{
    public const int DefaultCheckInMinutes = 60;

    public static Result<DmpSettings> Read(JsonElement config)
    {
        var errors = new List<string>();
        IPAddress? bind = null;
        var bindText = config.GetProperty("bindAddress").GetString() ?? "";
        if (bindText.Length > 0 && !IPAddress.TryParse(bindText, out bind)) errors.Add($"bindAddress: '{bindText}' is not an IP address");
        var panels = new List<PanelSettings>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in config.GetProperty("panels").EnumerateArray())
        {
            var path = $"panels[{i++}]";
            var panel = ReadPanel(item, path, errors);
            if (panel is null) continue;
            if (!seen.Add(PanelRegistry.NormalizeAccount(panel.Account))) errors.Add($"{path}.account: {panel.Account} is listed twice");
            else panels.Add(panel);
        }
        if (errors.Count > 0) return Failure.Invalid(errors);
        return new DmpSettings(
            config.GetProperty("port").GetInt32(),
            bind,
            panels,
            TimeSpan.FromSeconds(config.GetProperty("idleTimeoutSeconds").GetInt32()),
            config.GetProperty("maxFrameBytes").GetInt32(),
            config.GetProperty("maxConnections").GetInt32(),
            TimeSpan.FromSeconds(config.GetProperty("linkCheckSeconds").GetInt32()));
    }

    private static PanelSettings? ReadPanel(JsonElement item, string path, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object");
            return null;
        }
        var before = errors.Count;
        var account = item.TryGetProperty("account", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
        if (account.Length is < 1 or > DmpMessageParser.AccountLength || !account.All(char.IsAsciiDigit))
            errors.Add($"{path}.account: expected 1 to {DmpMessageParser.AccountLength} digits as a string");
        var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : $"panel {account}";
        var minutes = DefaultCheckInMinutes;
        if (item.TryGetProperty("checkInMinutes", out var m))
        {
            if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out minutes) || minutes is < 1 or > 10080)
                errors.Add($"{path}.checkInMinutes: expected an integer from 1 to 10080");
        }
        var cameras = new Dictionary<int, string>();
        if (item.TryGetProperty("zoneCameras", out var z))
        {
            if (z.ValueKind != JsonValueKind.Object) errors.Add($"{path}.zoneCameras: expected an object of zone number -> camera id");
            else
            {
                foreach (var entry in z.EnumerateObject())
                {
                    if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var zone) || zone is < 1 or > 9999)
                        errors.Add($"{path}.zoneCameras.{entry.Name}: a zone number from 1 to 9999");
                    else if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString()!.Length == 0)
                        errors.Add($"{path}.zoneCameras.{entry.Name}: a camera id");
                    else cameras[zone] = entry.Value.GetString()!;
                }
            }
        }
        return errors.Count == before ? new PanelSettings(account, name, TimeSpan.FromMinutes(minutes), cameras) : null;
    }
}
