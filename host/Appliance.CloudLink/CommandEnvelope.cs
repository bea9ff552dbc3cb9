using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.CloudLink;

/// <summary>Reads a command envelope. Every way it can be wrong is a <see cref="Failure"/> with a stable code.</summary>
public static class CommandEnvelope
{
    private const int MaxIdLength = 128;
    private const int MaxDepth = 16;

    /// <summary>
    /// Parses and checks one envelope for <paramref name="deviceId"/> at <paramref name="now"/>. Codes: <c>too-large</c>,
    /// <c>malformed</c>, <c>wrong-device</c>, <c>expired</c>.
    /// </summary>
    public static Result<CloudCommand> Parse(ReadOnlySpan<byte> payload, string deviceId, DateTimeOffset now, int maxBytes)
    {
        if (payload.Length > maxBytes) return new Failure("too-large", $"the command is {payload.Length} bytes; at most {maxBytes} are read");
        if (payload.IsEmpty) return new Failure("malformed", "the command is empty");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return new Failure("malformed", $"the command is not JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new Failure("malformed", "the command is not a JSON object");
            if (!TryString(root, "requestId", out var requestId) || !IsId(requestId))
                return new Failure("malformed", $"requestId is missing or not 1-{MaxIdLength} printable characters");
            if (!TryString(root, "command", out var name) || !IsCommandName(name))
                return new Failure("malformed", "command is missing or not a command name (lower-case letters, digits, '.', '-')");
            if (root.TryGetProperty("deviceId", out var device))
            {
                if (device.ValueKind != JsonValueKind.String) return new Failure("malformed", "deviceId is not a string");
                if (!string.Equals(device.GetString(), deviceId, StringComparison.Ordinal))
                    return new Failure("wrong-device", $"the command is for device '{Shorten(device.GetString())}', this is '{deviceId}'");
            }
            DateTimeOffset? expiresAt = null;
            if (root.TryGetProperty("expiresAt", out var expires))
            {
                if (expires.ValueKind != JsonValueKind.String || !expires.TryGetDateTimeOffset(out var at))
                    return new Failure("malformed", "expiresAt is not an ISO 8601 time");
                if (at <= now) return new Failure("expired", $"the command expired at {at:O}");
                expiresAt = at;
            }
            var args = root.TryGetProperty("args", out var a) ? a : default;
            if (args.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Null))
                return new Failure("malformed", "args is not a JSON object");
            var argsCopy = args.ValueKind == JsonValueKind.Object ? args.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            return new CloudCommand(requestId, name, argsCopy, expiresAt);
        }
    }

    /// <summary>The request id of an envelope that failed to parse, when one can be read, so the error can name it.</summary>
    public static string? RequestIdOf(ReadOnlySpan<byte> payload, int maxBytes)
    {
        if (payload.Length > maxBytes || payload.IsEmpty) return null;
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object && TryString(document.RootElement, "requestId", out var id) && IsId(id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = "";
        if (!root.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String) return false;
        value = property.GetString() ?? "";
        return true;
    }

    private static bool IsId(string value) =>
        value.Length is > 0 and <= MaxIdLength && value.All(c => c is > ' ' and < '\u007f');

    private static bool IsCommandName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-');

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 64 ? value : value[..64] + "...";
}
