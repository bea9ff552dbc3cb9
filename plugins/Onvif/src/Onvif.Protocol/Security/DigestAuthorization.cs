using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// Computes an RFC 7616 <c>Authorization: Digest</c> answer (section 3.4):
/// <c>response = H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri))</c>, or without qop the RFC 2069 form.
/// </summary>
public static class DigestAuthorization
{
    public static string Create(DigestChallenge challenge, string username, string password, string method, string uri, string cnonce, int nonceCount)
    {
        var ha1 = Hash(challenge.Algorithm, $"{username}:{challenge.Realm}:{password}");
        var ha2 = Hash(challenge.Algorithm, $"{method}:{uri}");
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var response = challenge.QopAuth
            ? Hash(challenge.Algorithm, $"{ha1}:{challenge.Nonce}:{nc}:{cnonce}:auth:{ha2}")
            : Hash(challenge.Algorithm, $"{ha1}:{challenge.Nonce}:{ha2}");

        var builder = new StringBuilder("Digest ");
        builder.Append($"username=\"{Quote(username)}\", realm=\"{Quote(challenge.Realm)}\", nonce=\"{Quote(challenge.Nonce)}\", uri=\"{Quote(uri)}\"");
        builder.Append($", algorithm={challenge.Algorithm}, response=\"{response}\"");
        if (challenge.QopAuth) builder.Append($", qop=auth, nc={nc}, cnonce=\"{Quote(cnonce)}\"");
        if (challenge.Opaque is not null) builder.Append($", opaque=\"{Quote(challenge.Opaque)}\"");
        return builder.ToString();
    }

    /// <summary>Lower-case hex of MD5 or SHA-256 over the UTF-8 text.</summary>
    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = algorithm == "SHA-256" ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(digest);
    }

    public static string NewClientNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Quote(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
