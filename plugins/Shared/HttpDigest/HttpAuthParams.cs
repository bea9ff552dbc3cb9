using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Shared.HttpDigest;

/// <summary>
/// The auth-param list of an HTTP/RTSP authentication header (RFC 7235 section 2.1): <c>name=token</c> or
/// <c>name="quoted \" string"</c>, separated by commas and white space. The one parser of the project's two Digest users
/// (the RTSP library and the ONVIF library, which compile this shared source as an internal type). Never throws;
/// failure codes <c>malformed</c> and <c>too-large</c>.
/// </summary>
internal static class HttpAuthParams
{
    public const int MaxParameters = 32;

    public static Result<Dictionary<string, string>> Parse(string text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            if (i >= text.Length) break;
            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',' && !char.IsWhiteSpace(text[i])) i++;
            var name = text[nameStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length || text[i] != '=')
                return Result<Dictionary<string, string>>.Fail("malformed", $"auth-param '{Short(name)}' has no value");
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length) { builder.Append(text[i++]); continue; }
                    if (c == '"') { closed = true; break; }
                    builder.Append(c);
                }
                if (!closed)
                    return Result<Dictionary<string, string>>.Fail("malformed", $"unterminated quoted value of '{Short(name)}'");
                value = builder.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i])) i++;
                value = text[valueStart..i];
            }
            if (name.Length == 0) return Result<Dictionary<string, string>>.Fail("malformed", "auth-param without a name");
            if (parameters.Count >= MaxParameters)
                return Result<Dictionary<string, string>>.Fail("too-large", $"more than {MaxParameters} auth-params");
            parameters[name] = value;
        }
        return parameters;
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
