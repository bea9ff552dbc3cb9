using Appliance.Abstractions;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Auth;

/// <summary>One WWW-Authenticate challenge (RFC 7235 §2.1): a scheme and its auth-params.</summary>
public sealed record RtspAuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public bool IsDigest => string.Equals(Scheme, "Digest", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public static Result<RtspAuthChallenge> Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return Result<RtspAuthChallenge>.Fail("malformed", "empty WWW-Authenticate header");
        if (header.Length > 4096) return Result<RtspAuthChallenge>.Fail("too-large", "WWW-Authenticate header longer than 4096 characters");
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0 || !scheme.All(char.IsAsciiLetterOrDigit))
            return Result<RtspAuthChallenge>.Fail("malformed", $"malformed authentication scheme in '{Short(text)}'");
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) i++;
            if (i >= text.Length) break;
            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',' && text[i] != ' ') i++;
            var name = text[nameStart..i];
            while (i < text.Length && text[i] == ' ') i++;
            if (i >= text.Length || text[i] != '=')
                return Result<RtspAuthChallenge>.Fail("malformed", $"auth-param '{Short(name)}' has no value");
            i++;
            while (i < text.Length && text[i] == ' ') i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length) { sb.Append(text[i++]); continue; }
                    if (c == '"') { closed = true; break; }
                    sb.Append(c);
                }
                if (!closed) return Result<RtspAuthChallenge>.Fail("malformed", $"unterminated quoted value of '{Short(name)}'");
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',' && text[i] != ' ') i++;
                value = text[valueStart..i];
            }
            if (name.Length == 0) return Result<RtspAuthChallenge>.Fail("malformed", "empty auth-param name");
            if (parameters.Count >= 32) return Result<RtspAuthChallenge>.Fail("too-large", "more than 32 auth-params");
            parameters[name] = value;
        }
        return Result<RtspAuthChallenge>.Ok(new RtspAuthChallenge(scheme, parameters));
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
