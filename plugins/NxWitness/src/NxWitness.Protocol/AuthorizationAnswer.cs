using System.Globalization;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>
/// The <c>Authorization</c> header answering a 401's <c>WWW-Authenticate</c> challenges: Digest (RFC 7616, MD5 or
/// SHA-256, qop=auth or none; what Nx Witness 4.2 offers on <c>/api/</c>) preferred over Basic (RFC 7617). Parsing and
/// hashing are the shared HttpDigest source. Failure <c>auth</c> when no challenge can be answered.
/// </summary>
public static class AuthorizationAnswer
{
    public static Result<string> For(IEnumerable<string> challenges, string user, string password, string method, string uri)
    {
        var list = challenges.ToList();
        var digest = list.FirstOrDefault(c => c.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase));
        if (digest is not null) return Digest(digest[7..], user, password, method, uri);
        if (list.Any(c => c.StartsWith("Basic", StringComparison.OrdinalIgnoreCase)))
            return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return Result<string>.Fail("auth", $"no Digest or Basic challenge to answer (got: {GenericEvent.Clean(string.Join(" | ", list), 120)})");
    }

    private static Result<string> Digest(string parameters, string user, string password, string method, string uri)
    {
        if (parameters.Length > 4096) return Result<string>.Fail("auth", "Digest challenge longer than 4096 characters");
        var parsed = HttpAuthParams.Parse(parameters);
        if (!parsed.TryGetValue(out var p, out var failure)) return Result<string>.Fail("auth", $"Digest challenge: {failure.Message}");
        if (!p.TryGetValue("nonce", out var nonce) || nonce.Length == 0 || !p.TryGetValue("realm", out var realm))
            return Result<string>.Fail("auth", "Digest challenge without realm or nonce");
        var algorithm = p.GetValueOrDefault("algorithm") ?? "MD5";
        if (!algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) && !DigestHash.IsSha256(algorithm))
            return Result<string>.Fail("auth", $"Digest algorithm {GenericEvent.Clean(algorithm, 40)} is not supported");
        var qop = p.TryGetValue("qop", out var q) && q.Split(',', StringSplitOptions.TrimEntries).Contains("auth", StringComparer.OrdinalIgnoreCase) ? "auth" : null;
        var cnonce = qop is null ? null : DigestHash.NewClientNonce();
        var nc = qop is null ? null : 1.ToString("x8", CultureInfo.InvariantCulture);
        var ha1 = DigestHash.Ha1(algorithm, user, realm, password, nonce, cnonce);
        var response = DigestHash.Response(algorithm, ha1, nonce, qop, nc, cnonce, method, uri);
        var header = new StringBuilder("Digest ")
            .Append($"username=\"{DigestHash.Escape(user)}\", realm=\"{DigestHash.Escape(realm)}\", nonce=\"{DigestHash.Escape(nonce)}\"")
            .Append($", uri=\"{DigestHash.Escape(uri)}\", response=\"{response}\", algorithm={algorithm}");
        if (qop is not null) header.Append($", qop={qop}, nc={nc}, cnonce=\"{cnonce}\"");
        if (p.TryGetValue("opaque", out var opaque)) header.Append($", opaque=\"{DigestHash.Escape(opaque)}\"");
        return header.ToString();
    }
}
