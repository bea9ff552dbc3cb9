using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Reads a Web SDK answer body in the JSON serialization the client asks for (<c>Accept: text/json</c>; Security
/// Center SDK Developer Guide 5.14, "Web SDK", serialization; the envelope as the Genetec DAP wiki shows it,
/// https://github.com/Genetec/DAP/wiki/web-sdk-events-and-alarms: <c>{"Rsp":{"Status":"Ok","Result":...}}</c>).
/// Ok only for <c>Rsp.Status == "Ok"</c>; any other status is <c>rejected</c> with the server's message; a body that
/// is not that envelope is <c>bad-response</c>.
/// </summary>
public static class WebSdkResponse
{
    /// <summary>The most of a message kept from an answer (characters).</summary>
    public const int MaxMessageLength = 200;

    public static Result<string> Parse(string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return Result<string>.Fail("bad-response", $"the answer is not JSON: \"{Shorten(body)}\"");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("Rsp", out var rsp) || rsp.ValueKind != JsonValueKind.Object
                || !rsp.TryGetProperty("Status", out var status) || status.ValueKind != JsonValueKind.String)
                return Result<string>.Fail("bad-response", $"the answer has no Rsp.Status: \"{Shorten(body)}\"");
            var text = status.GetString()!;
            if (text == "Ok") return "Ok";
            return Result<string>.Fail("rejected", $"Rsp.Status \"{Shorten(text)}\"{Detail(rsp)}");
        }
    }

    private static string Detail(JsonElement rsp)
    {
        if (!rsp.TryGetProperty("Result", out var result)) return "";
        var message = result.ValueKind switch
        {
            JsonValueKind.String => result.GetString(),
            JsonValueKind.Object when result.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
            _ => null,
        };
        return string.IsNullOrEmpty(message) ? "" : $": {Shorten(message)}";
    }

    /// <summary>Cut to <see cref="MaxMessageLength"/>, control characters replaced, so server text is safe in logs and health.</summary>
    public static string Shorten(string text)
    {
        var cut = text.Length > MaxMessageLength ? text[..MaxMessageLength] + "..." : text;
        return new string(cut.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
    }
}
