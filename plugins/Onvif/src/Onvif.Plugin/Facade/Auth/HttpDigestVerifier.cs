using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Auth;

/// <summary>
/// HTTP Digest (RFC 7616, MD5, qop=auth or none) against the appliance's users: the HA1 for the declared realm comes from
/// the host (<see cref="IUserVerifier.GetDigestHa1Async"/>), so the password never reaches the plugin. Parsing and the
/// response check are the RTSP library's (<see cref="RtspDigestCredentials"/>), the same as the RTSP server's.
/// </summary>
public sealed class HttpDigestVerifier(IUserVerifier users, DigestNonces nonces, IPluginLogger log)
{
    /// <summary>The challenge; realm first and algorithm and qop given, as node-onvif reads them positionally.</summary>
    public string Challenge(bool stale) =>
        $"Digest realm=\"{FacadeSettings.Realm}\", qop=\"auth\", nonce=\"{nonces.Issue()}\", algorithm=MD5" + (stale ? ", stale=true" : "");

    /// <summary>The user behind a Digest <c>Authorization</c> header; failure codes <c>malformed</c>, <c>stale</c>, <c>invalid</c>.</summary>
    public async Task<Result<VerifiedUser>> VerifyAsync(string authorization, string method, CancellationToken cancellationToken)
    {
        var header = RtspAuthChallenge.Parse(authorization);
        if (!header.IsOk) return new Failure("malformed", header.Failure!.Message);
        var parsed = RtspDigestCredentials.Parse(header.Value!);
        if (!parsed.TryGetValue(out var credentials, out var failure)) return failure;
        if (credentials.Realm != FacadeSettings.Realm) return new Failure("invalid", $"Digest realm '{credentials.Realm}' is not '{FacadeSettings.Realm}'");
        var nonce = nonces.Check(credentials.Nonce);
        if (nonce == DigestNonces.State.Invalid) return new Failure("invalid", "Digest nonce was not issued here");
        var ha1 = await users.GetDigestHa1Async(credentials.UserName, credentials.Realm, DigestAlgorithm.Md5, cancellationToken).ConfigureAwait(false);
        if (!ha1.TryGetValue(out var secret, out var refusal))
        {
            if (refusal.Code is "no-digest" or "realm-not-declared")
                log.Warn("onvif facade: Digest for {User} impossible: {Reason}", credentials.UserName, refusal.Message);
            return new Failure("invalid", $"Digest credentials of {credentials.UserName} refused ({refusal.Code})");
        }
        if (!credentials.MatchesHa1(secret.Ha1, method)) return new Failure("invalid", $"wrong Digest response for {credentials.UserName}");
        // Right password, old nonce: ask again with a fresh one.
        return nonce == DigestNonces.State.Stale
            ? new Failure("stale", "Digest nonce expired")
            : new VerifiedUser(secret.User, secret.Role);
    }
}
