using Appliance.Abstractions;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// An HTTP Digest challenge (RFC 7616 section 3.3, <c>WWW-Authenticate: Digest ...</c>). Only what we can answer is accepted:
/// algorithm MD5 (the default) or SHA-256, with <c>qop=auth</c> or no qop (RFC 2069 compatibility). The parameter list is
/// read by the shared <see cref="HttpAuthParams"/> (the RTSP library's parser too).
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
        var parameters = HttpAuthParams.Parse(text);
        if (!parameters.IsOk) return Fail(parameters.Failure!.Message);
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
}
