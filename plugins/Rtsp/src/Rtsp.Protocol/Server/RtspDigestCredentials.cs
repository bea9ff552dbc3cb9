using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// The Digest credentials of an Authorization header (RFC 2617 §3.2.2, MD5, qop absent or "auth"). A verifier that
/// knows the user's password (or its HA1 for the realm) checks them with <see cref="Matches(string, string)"/>.
/// </summary>
public sealed record RtspDigestCredentials(string UserName, string Realm, string Nonce, string Uri, string Response, string? Qop, string? NonceCount, string? ClientNonce)
{
    public static Result<RtspDigestCredentials> Parse(RtspAuthChallenge header)
    {
        if (!header.IsDigest) return new Failure("malformed", "not Digest credentials");
        string? Get(string name) => header[name];
        var user = Get("username");
        var realm = Get("realm");
        var nonce = Get("nonce");
        var uri = Get("uri");
        var response = Get("response");
        if (user is null || realm is null || nonce is null || uri is null || response is null)
            return new Failure("malformed", "Digest credentials lack username, realm, nonce, uri or response");
        var algorithm = Get("algorithm");
        if (algorithm is not null && !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
            return new Failure("unsupported", $"Digest algorithm '{algorithm}' is not supported");
        var qop = Get("qop");
        if (qop is not null && !qop.Equals("auth", StringComparison.OrdinalIgnoreCase))
            return new Failure("unsupported", $"qop '{qop}' is not supported");
        if (qop is not null && (Get("nc") is null || Get("cnonce") is null))
            return new Failure("malformed", "qop=auth without nc or cnonce");
        return new RtspDigestCredentials(user, realm, nonce, uri, response.ToLowerInvariant(), qop, Get("nc"), Get("cnonce"));
    }

    /// <summary>True when the response is what <paramref name="password"/> gives for <paramref name="method"/>.</summary>
    public bool Matches(string password, string method) => MatchesHa1(DigestHash.Hex("MD5", $"{UserName}:{Realm}:{password}"), method);

    /// <summary>As <see cref="Matches(string, string)"/>, from HA1 = MD5(user:realm:password) (lower-case hex).</summary>
    public bool MatchesHa1(string ha1, string method)
    {
        var expected = DigestHash.Response("MD5", ha1, Nonce, Qop, NonceCount, ClientNonce, method, Uri);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Response));
    }
}

/// <summary>
/// Checks viewer credentials against the appliance's users (a user with at least the viewer role). Implemented by
/// the plugin over the host's user verification.
/// </summary>
public interface IRtspCredentialVerifier
{
    /// <summary>Basic: the user exists, may view, and the password is right.</summary>
    ValueTask<bool> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Digest: the user exists, may view, and <paramref name="credentials"/> match for <paramref name="method"/>.</summary>
    ValueTask<bool> VerifyDigestAsync(RtspDigestCredentials credentials, string method, CancellationToken cancellationToken);
}
