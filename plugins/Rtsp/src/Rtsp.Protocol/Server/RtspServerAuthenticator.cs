using System.Security.Cryptography;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Auth;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// The server side of RTSP authentication: Digest always (stateless nonces: issue time + HMAC, valid for
/// <c>nonceLifetime</c>, an expired one answered with <c>stale=true</c>), Basic only on a TLS connection or
/// when <c>allowBasic</c> is set. With no verifier every request passes (authentication off).
/// </summary>
public sealed class RtspServerAuthenticator
{
    private readonly IRtspCredentialVerifier? _verifier;
    private readonly string _realm;
    private readonly bool _allowBasic;
    private readonly DigestNonces _nonces;

    public RtspServerAuthenticator(IRtspCredentialVerifier? verifier, string realm, bool allowBasic, TimeSpan nonceLifetime, TimeProvider time)
    {
        _verifier = verifier;
        _realm = realm;
        _allowBasic = allowBasic;
        _nonces = new DigestNonces(time, nonceLifetime);
    }

    public bool Enabled => _verifier is not null;

    /// <summary>Null when the request may proceed; otherwise the 401 (or 400) to answer with.</summary>
    public async ValueTask<RtspServerResponse?> CheckAsync(string method, string? authorization, bool secure, CancellationToken ct)
    {
        if (_verifier is null) return null;
        var basic = _allowBasic || secure;
        if (string.IsNullOrWhiteSpace(authorization)) return Challenge(basic, stale: false);
        var parsed = RtspAuthChallenge.Parse(authorization);
        if (!parsed.IsOk) return RtspServerResponse.Error(400, "Bad Request");
        var header = parsed.Value!;
        if (header.IsBasic && basic)
        {
            var token = authorization.Trim()[5..].Trim();
            var bytes = new byte[(token.Length * 3 + 3) / 4];
            if (token.Length > 1024 || !Convert.TryFromBase64String(token, bytes, out var n)) return Challenge(basic, false);
            var text = Encoding.UTF8.GetString(bytes, 0, n);
            var colon = text.IndexOf(':');
            if (colon <= 0) return Challenge(basic, false);
            return await _verifier.VerifyPasswordAsync(text[..colon], text[(colon + 1)..], ct).ConfigureAwait(false) ? null : Challenge(basic, false);
        }
        if (!header.IsDigest) return Challenge(basic, false);
        var credentials = RtspDigestCredentials.Parse(header);
        if (!credentials.IsOk) return Challenge(basic, false);
        var c = credentials.Value;
        if (c.Realm != _realm) return Challenge(basic, false);
        var nonce = _nonces.Check(c.Nonce);
        if (nonce == DigestNonces.State.Invalid) return Challenge(basic, false);
        if (!await _verifier.VerifyDigestAsync(c, method, ct).ConfigureAwait(false)) return Challenge(basic, false);
        // Right password, old nonce: ask again with a fresh one without counting it as a failure.
        return nonce == DigestNonces.State.Stale ? Challenge(basic, stale: true) : null;
    }

    private RtspServerResponse Challenge(bool basic, bool stale)
    {
        var response = RtspServerResponse.Error(401, "Unauthorized");
        var digest = $"Digest realm=\"{_realm}\", nonce=\"{NewNonce()}\", algorithm=MD5" + (stale ? ", stale=TRUE" : "");
        response.Headers.Add("WWW-Authenticate", digest);
        if (basic) response.Headers.Add("WWW-Authenticate", $"Basic realm=\"{_realm}\"");
        return response;
    }

    /// <summary>A nonce: 16 hex digits of issue time (Unix ms) and 32 of HMAC over them (<see cref="DigestNonces"/>).</summary>
    public string NewNonce() => _nonces.Issue();
}
