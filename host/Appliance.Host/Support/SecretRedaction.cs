using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Appliance.Host.Support;

/// <summary>
/// Removes what could be a secret from a JSON tree before it leaves the box in a support bundle: the value of every
/// setting whose name says password, passphrase, secret, token, credential or key (numbers and booleans stay: they
/// are limits and switches, never secrets), and the user part and query of URLs (<c>rtsp://user:pw@cam</c>,
/// pre-signed upload URLs).
/// </summary>
public static partial class SecretRedaction
{
    public const string Mask = "(secret, removed)";

    private static readonly string[] SecretWords = ["password", "passphrase", "secret", "token", "credential", "key"];

    public static bool IsSecretName(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>A copy of <paramref name="node"/> with secrets replaced by <see cref="Mask"/>.</summary>
    public static JsonNode? Redact(JsonNode? node) => node switch
    {
        JsonObject obj => RedactObject(obj),
        JsonArray array => new JsonArray(array.Select(Redact).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(RedactUrl(text)),
        _ => node?.DeepClone(),
    };

    private static JsonObject RedactObject(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (name, child) in obj)
            copy[name] = IsSecretName(name) && HoldsText(child) ? JsonValue.Create(Mask) : Redact(child);
        return copy;
    }

    private static bool HoldsText(JsonNode? node) => node switch
    {
        null => false,
        JsonValue value => value.TryGetValue<string>(out var text) && text.Length > 0,
        JsonArray array => array.Count > 0,
        _ => true,
    };

    /// <summary>An absolute URL without its user part and query; any other text unchanged.</summary>
    public static string RedactUrl(string text)
    {
        if (!text.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(text, UriKind.Absolute, out var uri)) return text;
        if (uri.UserInfo.Length == 0 && uri.Query.Length == 0) return text;
        var builder = new UriBuilder(uri) { UserName = uri.UserInfo.Length > 0 ? "removed" : "", Password = "", Query = uri.Query.Length > 0 ? "removed" : "" };
        return builder.Uri.ToString();
    }

    /// <summary>Free text (a log line) with the user part of every URL in it removed (<c>rtsp://u:p@cam</c> becomes <c>rtsp://removed@cam</c>).</summary>
    public static string RedactUrlsInText(string text) => UrlUserPart().Replace(text, "${scheme}removed@");

    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@")]
    private static partial Regex UrlUserPart();
}
