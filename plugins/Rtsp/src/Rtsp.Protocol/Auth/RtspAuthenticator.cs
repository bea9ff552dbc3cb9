using System.Globalization;
using System.Text;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.Rtsp.Protocol.Auth;

/// <summary>
/// Answers a server's challenge: Basic (RFC 7617) or Digest with MD5 / MD5-sess / SHA-256 / SHA-256-sess (<see cref="DigestHash"/>), with or without qop=auth
/// (RFC 2617 / RFC 7616; RFC 2069 servers send no qop). Digest is preferred when both are offered.
/// Keeps the nonce count across requests of one connection. Basic sends the password in clear: with
/// <paramref name="allowBasic"/> false (the client's default on plain RTSP) a Basic-only challenge is refused.
/// </summary>
public sealed class RtspAuthenticator(string userName, string password, Func<string>? cnonceFactory = null, bool allowBasic = true)
{
    private readonly Func<string> _cnonce = cnonceFactory ?? NewCnonce;
    private RtspAuthChallenge? _challenge;
    private int _nonceCount;

    public bool HasChallenge => _challenge is not null;

    /// <summary>Picks a challenge from the WWW-Authenticate headers of a 401. Returns an error if none is usable.</summary>
    public string? Accept(IEnumerable<string> wwwAuthenticate)
    {
        RtspAuthChallenge? basic = null, digest = null;
        var errors = new List<string>();
        foreach (var header in wwwAuthenticate)
        {
            var parsed = RtspAuthChallenge.Parse(header);
            if (!parsed.IsOk) { errors.Add(parsed.Failure!.Message); continue; }
            var c = parsed.Value!;
            if (c.IsDigest && c["nonce"] is not null && IsSupportedAlgorithm(c["algorithm"]) && SupportsQop(c["qop"])) digest ??= c;
            else if (c.IsBasic) basic ??= c;
            else errors.Add($"unsupported challenge '{c.Scheme}'{(c["algorithm"] is { } a ? $" algorithm={a}" : "")}");
        }
        if (digest is null && basic is not null && !allowBasic)
            return "the server asks for Basic authentication over unencrypted RTSP; the password is not sent (allow Basic for this camera to send it in clear)";
        var chosen = digest ?? basic;
        if (chosen is null)
            return errors.Count == 0 ? "401 without a WWW-Authenticate challenge" : "no usable authentication challenge: " + string.Join("; ", errors);
        if (_challenge is null || chosen["nonce"] != _challenge["nonce"]) _nonceCount = 0;
        _challenge = chosen;
        return null;
    }

    /// <summary>The Authorization header value for a request, or null before any challenge.</summary>
    public string? Authorize(string method, string uri)
    {
        var c = _challenge;
        if (c is null) return null;
        if (c.IsBasic) return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"));
        var realm = c["realm"] ?? "";
        var nonce = c["nonce"]!;
        var algorithm = c["algorithm"];
        var qop = SelectQop(c["qop"]);
        var cnonce = qop is not null || DigestHash.IsSession(algorithm) ? _cnonce() : null;
        var ha1 = DigestHash.Ha1(algorithm, userName, realm, password, nonce, cnonce);
        var sb = new StringBuilder("Digest ");
        sb.Append($"username=\"{Escape(userName)}\", realm=\"{Escape(realm)}\", nonce=\"{Escape(nonce)}\", uri=\"{Escape(uri)}\"");
        if (qop is not null)
        {
            var nc = (++_nonceCount).ToString("x8", CultureInfo.InvariantCulture);
            var response = DigestHash.Response(algorithm, ha1, nonce, qop, nc, cnonce, method, uri);
            sb.Append($", response=\"{response}\", qop={qop}, nc={nc}, cnonce=\"{Escape(cnonce!)}\"");
        }
        else
        {
            sb.Append($", response=\"{DigestHash.Response(algorithm, ha1, nonce, null, null, null, method, uri)}\"");
            if (cnonce is not null) sb.Append($", cnonce=\"{Escape(cnonce)}\"");
        }
        if (algorithm is not null) sb.Append($", algorithm={algorithm}");
        if (c["opaque"] is { } opaque) sb.Append($", opaque=\"{Escape(opaque)}\"");
        return sb.ToString();
    }

    private static bool IsSupportedAlgorithm(string? algorithm) =>
        algorithm is null || algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) || algorithm.Equals("MD5-sess", StringComparison.OrdinalIgnoreCase)
        || DigestHash.IsSha256(algorithm);

    private static bool SupportsQop(string? qop) => qop is null || SelectQop(qop) is not null;

    private static string? SelectQop(string? qop)
    {
        if (qop is null) return null;
        foreach (var option in qop.Split(',', StringSplitOptions.TrimEntries))
            if (option.Equals("auth", StringComparison.OrdinalIgnoreCase)) return "auth";
        return null;
    }

    internal static string Md5Hex(string text) => DigestHash.Hex("MD5", text);

    private static string Escape(string value) => DigestHash.Escape(value);

    private static string NewCnonce() => DigestHash.NewClientNonce();
}
