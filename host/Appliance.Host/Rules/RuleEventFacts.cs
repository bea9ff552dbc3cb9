using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Core.Rules;

namespace Appliance.Host.Rules;

/// <summary>
/// The facts of an outbox event that rules look at, read from its JSON by the field names the typed events use:
/// <c>cameraId</c>, <c>active</c>, the region (<c>source</c> of motion and tamper events, <c>topic</c> of camera
/// events) and the digital input (<c>device</c> + <c>/</c> + <c>input</c> or <c>output</c>). Works the same for
/// events plugins publish by name.
/// </summary>
public static class RuleEventFacts
{
    public static RuleEvent From(EventEnvelope envelope, TimeZoneInfo zone)
    {
        var data = envelope.Data;
        var camera = String(data, "cameraId");
        var region = envelope.Type switch
        {
            nameof(MotionDetected) or nameof(TamperDetected) => String(data, "source"),
            nameof(CameraEventReceived) => String(data, "topic"),
            _ => null,
        };
        var device = String(data, "device");
        var port = String(data, "input") ?? String(data, "output");
        var input = device is not null && port is not null ? $"{device}/{port}" : null;
        bool? active = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("active", out var a)
            && a.ValueKind is JsonValueKind.True or JsonValueKind.False ? a.GetBoolean() : null;
        var local = TimeZoneInfo.ConvertTime(envelope.OccurredAt, zone).DateTime;
        return RulesFacade.Event(envelope.Id.ToString(), envelope.Type, camera, region, input, active, envelope.OccurredAt, local);
    }

    private static string? String(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
