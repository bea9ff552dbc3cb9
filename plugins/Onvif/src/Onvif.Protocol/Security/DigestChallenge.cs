using Appliance.Abstractions;
namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// An HTTP Digest challenge (RFC 7616 section 3.3, <c>WWW-Authenticate: Digest ...</c>). Only what we can answer is accepted:
/// algorithm MD5 (the default) or SHA-256, with <c>qop=auth</c> or no qop (RFC 2069 compatibility).
/// </summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, bool QopAuth, bool Stale)
{
    private const int MaxLength = 4096;

    /// <summary>Parses the parameter list after the <c>Digest</c> scheme token (or a whole header value starting with it).</summary>
    public static Result<DigestChallenge> Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return Fail("empty Digest challenge");
        if (header.Length > MaxLength)
            return Fail($"Digest challenge of {header.Length} characters exceeds {MaxLength}");
        var text = header.Trim();
        if (text.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        var parameters = ParseParameters(text);
        if (!parameters.IsOk) return Result<DigestChallenge>.Fail(parameters.Failure!);
        var p = parameters.Value;
        if (!p.TryGetValue("nonce", out var nonce) || nonce.Length == 0) return Fail("Digest challenge without nonce");
        if (!p.TryGetValue("realm", out var realm)) return Fail("Digest challenge without realm");
        var algorithm = p.TryGetValue("algorithm", out var a) ? a.ToUpperInvariant() : "MD5";
        if (algorithm is not ("MD5" or "SHA-256"))
            return Fail($"Digest algorithm {algorithm} not supported (MD5, SHA-256)");
        var qopAuth = false;
        if (p.TryGetValue("qop", out var qop))
        {
            var options = qop.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            qopAuth = options.Contains("auth", StringComparer.OrdinalIgnoreCase);
            if (!qopAuth) return Fail($"Digest qop \"{qop}\" offers no qop=auth");
        }
        var stale = p.TryGetValue("stale", out var s) && s.Equals("true", StringComparison.OrdinalIgnoreCase);
        return new DigestChallenge(realm, nonce, p.GetValueOrDefault("opaque"), algorithm, qopAuth, stale);
    }

    private static Result<DigestChallenge> Fail(string message) => Result<DigestChallenge>.Fail(ErrorKind.BadChallenge, message);

    /// <summary>RFC 7235 auth-param list: <c>token=token</c> or <c>token="quoted \" string"</c>, comma separated.</summary>
    internal static Result<Dictionary<string, string>> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
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
                return Result<Dictionary<string, string>>.Fail(ErrorKind.BadChallenge, $"auth parameter \"{name}\" has no value");
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
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
                    return Result<Dictionary<string, string>>.Fail(ErrorKind.BadChallenge, $"auth parameter \"{name}\" has an unterminated quoted string");
                value = builder.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i])) i++;
                value = text[valueStart..i];
            }
            if (name.Length == 0)
                return Result<Dictionary<string, string>>.Fail(ErrorKind.BadChallenge, "auth parameter without a name");
            result[name] = value;
        }
        return result;
    }
}
