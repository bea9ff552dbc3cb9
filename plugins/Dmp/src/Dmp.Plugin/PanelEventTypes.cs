using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp;

/// <summary>
/// The event types this plugin registers (category <c>alarm</c>) and the payload of each: the panel's account and
/// name, what happened (<c>state</c>), the Serial 3 code and type with their names, the zone, area and user the
/// panel named, and <c>cameraId</c> when the zone is mapped to a camera (rules filter on it). Absent values are left
/// out, never null.
/// </summary>
internal static class PanelEventTypes
{
    public const string Alarm = "PanelAlarmRaised";
    public const string Arming = "PanelArmingChanged";
    public const string Zone = "PanelZoneChanged";
    public const string Trouble = "PanelTroubleReported";

    public static readonly IReadOnlyList<(string Type, string Description)> All =
    [
        (Alarm, "A DMP panel reported a zone alarm (Serial 3 Za)"),
        (Arming, "A DMP panel's area was armed, disarmed or is late to arm (Serial 3 Zq)"),
        (Zone, "A DMP panel's zone was restored, bypassed, reset, or its door opened or closed (Serial 3 Zr, Zx, Zy, Zc, Zb)"),
        (Trouble, "A DMP panel reported a zone or system trouble or its restoral, or its link was lost or restored"),
    ];

    public const string Schema = """
        {
          "type": "object",
          "properties": {
            "account": { "type": "string", "minLength": 1, "maxLength": 5 },
            "panel": { "type": "string", "maxLength": 200 },
            "state": { "type": "string", "minLength": 1, "maxLength": 40 },
            "code": { "type": "string", "maxLength": 2 },
            "codeName": { "type": "string", "maxLength": 100 },
            "type": { "type": "string", "maxLength": 10 },
            "typeName": { "type": "string", "maxLength": 100 },
            "zone": { "type": "integer", "minimum": 0 },
            "zoneName": { "type": "string", "maxLength": 200 },
            "area": { "type": "integer", "minimum": 0 },
            "areaName": { "type": "string", "maxLength": 200 },
            "user": { "type": "integer", "minimum": 0 },
            "userName": { "type": "string", "maxLength": 200 },
            "restoral": { "type": "boolean" },
            "cameraId": { "type": "string", "minLength": 1, "maxLength": 200 },
            "remoteAddress": { "type": "string", "maxLength": 100 },
            "message": { "type": "string", "maxLength": 8192 }
          },
          "required": ["account", "panel", "state", "restoral"],
          "additionalProperties": false
        }
        """;

    /// <summary>Registers the four types; a refusal (a name another plugin owns) is a configuration fault of the appliance.</summary>
    public static Result<bool> Register(INamedEvents events)
    {
        foreach (var (type, description) in All)
        {
            var registered = events.Register(type, EventCategory.Alarm, Schema, description);
            if (!registered.IsOk) return Result<bool>.Fail(registered.Failure!.Code, $"event type {type}: {registered.Failure.Message}");
        }
        return true;
    }

    /// <summary>The type a classified message is published as, or null for kinds that are not published.</summary>
    public static string? TypeOf(DmpEventKind kind) => kind switch
    {
        DmpEventKind.Alarm => Alarm,
        DmpEventKind.Arming => Arming,
        DmpEventKind.Zone => Zone,
        DmpEventKind.Trouble => Trouble,
        _ => null,
    };

    public static JsonElement Payload(PanelSettings panel, DmpEvent e, string message, string? remote)
    {
        var o = Base(panel, e.State, e.Restoral, remote);
        o["code"] = e.Code;
        o["codeName"] = e.CodeName;
        Add(o, "type", e.Type);
        Add(o, "typeName", e.TypeName);
        if (e.Zone is { } zone)
        {
            o["zone"] = zone;
            if (panel.ZoneCameras.TryGetValue(zone, out var camera)) o["cameraId"] = camera;
        }
        Add(o, "zoneName", e.ZoneName);
        if (e.Area is { } area) o["area"] = area;
        Add(o, "areaName", e.AreaName);
        if (e.User is { } user) o["user"] = user;
        Add(o, "userName", e.UserName);
        o["message"] = message;
        return JsonSerializer.SerializeToElement(o);
    }

    /// <summary>A trouble raised by the receiver itself: <c>link-lost</c> or <c>link-restored</c>.</summary>
    public static JsonElement LinkPayload(PanelSettings panel, bool restored, TimeSpan silentFor) =>
        JsonSerializer.SerializeToElement(new JsonObject(Base(panel, restored ? "link-restored" : "link-lost", restored, null))
        {
            ["message"] = restored
                ? "the panel is heard again"
                : $"nothing heard for more than {panel.CheckInInterval.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minute(s), its check-in interval ({silentFor.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s)",
        });

    private static Dictionary<string, JsonNode?> Base(PanelSettings panel, string state, bool restoral, string? remote)
    {
        var o = new Dictionary<string, JsonNode?>
        {
            ["account"] = panel.Account,
            ["panel"] = panel.Name,
            ["state"] = state,
            ["restoral"] = restoral,
        };
        Add(o, "remoteAddress", remote);
        return o;
    }

    private static void Add(Dictionary<string, JsonNode?> o, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) o[name] = value;
    }
}
