using System.Globalization;
using System.Text;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Host.SystemServices;

/// <summary>One journal entry as the service view shows it.</summary>
public sealed record JournalLine(DateTimeOffset? At, int? Priority, string Message);

/// <summary>
/// Reads one line of <c>journalctl -o json</c>: <c>MESSAGE</c> is a string, an array of bytes (non-UTF-8 text) or
/// null; <c>__REALTIME_TIMESTAMP</c> is microseconds since the epoch as a string; <c>PRIORITY</c> a digit as a string.
/// A line that is not such an object is <c>malformed</c>, never an exception.
/// </summary>
public static class JournalJson
{
    public const int MaxLineBytes = 64 * 1024;

    public static Result<JournalLine> ParseLine(string line)
    {
        if (line.Length > MaxLineBytes) return Result<JournalLine>.Fail("malformed", $"journal line longer than {MaxLineBytes} characters");
        try
        {
            using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Result<JournalLine>.Fail("malformed", "journal line is not a JSON object");
            var message = Message(root);
            if (!message.IsOk) return Result<JournalLine>.Fail(message.Failure!);
            return new JournalLine(Timestamp(root), Priority(root), message.Value);
        }
        catch (JsonException ex)
        {
            return Result<JournalLine>.Fail("malformed", $"journal line is not JSON: {ex.Message}");
        }
    }

    private static Result<string> Message(JsonElement root)
    {
        if (!root.TryGetProperty("MESSAGE", out var message) || message.ValueKind == JsonValueKind.Null) return "";
        if (message.ValueKind == JsonValueKind.String) return message.GetString()!;
        if (message.ValueKind == JsonValueKind.Array)
        {
            var bytes = new List<byte>();
            foreach (var item in message.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetByte(out var b))
                    return Result<string>.Fail("malformed", "MESSAGE array holds something other than bytes");
                bytes.Add(b);
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }
        return Result<string>.Fail("malformed", $"MESSAGE is a {message.ValueKind}, expected a string or an array of bytes");
    }

    private static DateTimeOffset? Timestamp(JsonElement root) =>
        root.TryGetProperty("__REALTIME_TIMESTAMP", out var t) && t.ValueKind == JsonValueKind.String
        && long.TryParse(t.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
        && micros / 1000 <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000)
            : null;

    private static int? Priority(JsonElement root) =>
        root.TryGetProperty("PRIORITY", out var p) && p.ValueKind == JsonValueKind.String
        && int.TryParse(p.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var priority) && priority is >= 0 and <= 7
            ? priority
            : null;
}
