using System.Globalization;
using System.Text;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// Computes an RFC 7616 <c>Authorization: Digest</c> answer (section 3.4):
/// <c>response = H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri))</c>, or without qop the RFC 2069 form,
/// computed by the shared <see cref="DigestHash"/> (the RTSP library's client and server use it too).
/// </summary>
public static class DigestAuthorization
{
    public static string Create(DigestChallenge challenge, string username, string password, string method, string uri, string cnonce, int nonceCount)
    {
        var ha1 = DigestHash.Ha1(challenge.Algorithm, username, challenge.Realm, password, challenge.Nonce, cnonce);
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var response = challenge.QopAuth
            ? DigestHash.Response(challenge.Algorithm, ha1, challenge.Nonce, "auth", nc, cnonce, method, uri)
            : DigestHash.Response(challenge.Algorithm, ha1, challenge.Nonce, null, null, null, method, uri);

        var builder = new StringBuilder("Digest ");
        builder.Append($"username=\"{Quote(username)}\", realm=\"{Quote(challenge.Realm)}\", nonce=\"{Quote(challenge.Nonce)}\", uri=\"{Quote(uri)}\"");
        builder.Append($", algorithm={challenge.Algorithm}, response=\"{response}\"");
        if (challenge.QopAuth) builder.Append($", qop=auth, nc={nc}, cnonce=\"{Quote(cnonce)}\"");
        if (challenge.Opaque is not null) builder.Append($", opaque=\"{Quote(challenge.Opaque)}\"");
        return builder.ToString();
    }

    /// <summary>Lower-case hex of MD5 or SHA-256 over the UTF-8 text.</summary>
    public static string Hash(string algorithm, string text) => DigestHash.Hex(algorithm, text);

    public static string NewClientNonce() => DigestHash.NewClientNonce();

    private static string Quote(string value) => DigestHash.Escape(value);
}
