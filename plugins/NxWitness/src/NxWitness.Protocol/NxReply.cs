using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>
/// The answer envelope of the Nx Witness 4.2 <c>/api/</c> methods: a JSON object <c>{"error": "0", "errorString": "",
/// "reply": ...}</c> where <c>error</c> is a code ("0" means OK; servers send it as a string, some as a number). Ok is the
/// <c>reply</c> (a JSON null when absent); a non-zero error is <c>rejected</c> with the server's errorString; anything
/// else (not JSON, not an object, no error code) is <c>bad-reply</c>. Never throws.
/// </summary>
public static class NxReply
{
    private const int MaxDepth = 16;

    public static Result<JsonElement> Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return Bad("an empty answer");
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return Bad($"not JSON ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Bad($"a JSON {root.ValueKind} instead of an object");
            if (!root.TryGetProperty("error", out var error)) return Bad("no \"error\" code");
            var code = error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Number => error.GetRawText(),
                _ => null,
            };
            if (code is null) return Bad($"\"error\" is a JSON {error.ValueKind}");
            if (code != "0")
            {
                var text = root.TryGetProperty("errorString", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "";
                return Result<JsonElement>.Fail("rejected", $"error {GenericEvent.Clean(code, 20)}: {GenericEvent.Clean(text, 200)}");
            }
            return root.TryGetProperty("reply", out var reply) ? reply.Clone() : default(JsonElement);
        }
    }

    private static Result<JsonElement> Bad(string what) => Result<JsonElement>.Fail("bad-reply", $"the server answered {what}");
}
