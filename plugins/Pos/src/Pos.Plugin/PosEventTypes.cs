using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Pos.Protocol;

namespace Appliance.Plugins.Pos;

/// <summary>
/// The event types this plugin registers: every stored transaction (<see cref="Completed"/>, category analytics; the
/// forwarding subscription delivers it) and the ones rules act on (category alarm): a transaction with void lines,
/// a no-sale, a refund at or above the register's threshold. Each carries the register, its camera
/// (<c>cameraId</c>), the stored transaction's id and times.
/// </summary>
internal static class PosEventTypes
{
    public const string Completed = "PosTransactionCompleted";
    public const string Void = "PosVoidRecorded";
    public const string NoSale = "PosNoSaleRecorded";
    public const string Refund = "PosRefundRecorded";

    public const string Schema = """
        {
          "type": "object",
          "properties": {
            "transactionId": { "type": "integer", "minimum": 1 },
            "register": { "type": "string", "minLength": 1, "maxLength": 64 },
            "cameraId": { "type": "string", "minLength": 1, "maxLength": 200 },
            "startedAt": { "type": "string" },
            "endedAt": { "type": "string" },
            "endedBy": { "type": "string" },
            "cashier": { "type": "string", "maxLength": 200 },
            "total": { "type": "number" },
            "voids": { "type": "integer", "minimum": 0 },
            "refunded": { "type": "number" },
            "noSale": { "type": "boolean" },
            "items": { "type": "integer", "minimum": 0 },
            "text": { "type": "string", "maxLength": 32768 }
          },
          "required": ["transactionId", "register", "startedAt", "endedAt", "endedBy"],
          "additionalProperties": false
        }
        """;

    public static Result<bool> Register(INamedEvents events)
    {
        foreach (var (type, category, description) in new[]
        {
            (Completed, EventCategory.Analytics, "A register's transaction was stored (its text, items, total, cashier, camera and times)"),
            (Void, EventCategory.Alarm, "A register's transaction had void lines"),
            (NoSale, EventCategory.Alarm, "A register opened for a no-sale"),
            (Refund, EventCategory.Alarm, "A register refunded at or above its threshold"),
        })
        {
            var registered = events.Register(type, category, Schema, description);
            if (!registered.IsOk) return Result<bool>.Fail(registered.Failure!.Code, $"event type {type}: {registered.Failure.Message}");
        }
        return true;
    }

    /// <summary>The rule events a transaction raises besides <see cref="Completed"/>.</summary>
    public static IEnumerable<string> Alarms(PosTransaction t, decimal? refundThreshold)
    {
        if (t.Voids > 0) yield return Void;
        if (t.NoSale) yield return NoSale;
        if (t.Refunded > 0 && refundThreshold is { } threshold && t.Refunded >= threshold) yield return Refund;
    }

    /// <summary>The payload; the text only on <see cref="Completed"/> (cut to 32 KiB).</summary>
    public static JsonElement Payload(long id, RegisterSettings register, PosTransaction t, bool withText)
    {
        var o = new JsonObject
        {
            ["transactionId"] = id,
            ["register"] = register.Name,
            ["startedAt"] = t.StartedAt.ToString("O"),
            ["endedAt"] = t.EndedAt.ToString("O"),
            ["endedBy"] = t.EndedBy,
            ["voids"] = t.Voids,
            ["refunded"] = t.Refunded,
            ["noSale"] = t.NoSale,
            ["items"] = t.Items.Count,
        };
        if (register.CameraId is { } camera) o["cameraId"] = camera;
        if (t.Cashier is { Length: > 0 } cashier) o["cashier"] = cashier;
        if (t.Total is { } total) o["total"] = total;
        if (withText) o["text"] = t.Text.Length > 32768 ? t.Text[..32768] : t.Text;
        return JsonSerializer.SerializeToElement(o);
    }
}
