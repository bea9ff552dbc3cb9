using System.Security.Cryptography;
using System.Text;

namespace Appliance.Plugins.Shared.HttpDigest;

/// <summary>
/// The Digest computation (RFC 7616 section 3.4.1; RFC 2617; RFC 2069 without qop), shared by the RTSP and ONVIF
/// libraries as source: HA1, HA2 and the response in lower-case hex, MD5 (the default) or SHA-256.
/// </summary>
internal static class DigestHash
{
    /// <summary>Lower-case hex of MD5 or SHA-256 (algorithm <c>SHA-256</c>, case-insensitive) over the UTF-8 text.</summary>
    public static string Hex(string? algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = IsSha256(algorithm) ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(digest);
    }

    public static bool IsSha256(string? algorithm) =>
        algorithm is not null && (algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase) || algorithm.Equals("SHA-256-sess", StringComparison.OrdinalIgnoreCase));

    public static bool IsSession(string? algorithm) => algorithm is not null && algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase);

    /// <summary>HA1 = H(user:realm:password), and for a <c>-sess</c> algorithm H(HA1:nonce:cnonce).</summary>
    public static string Ha1(string? algorithm, string userName, string realm, string password, string nonce, string? cnonce)
    {
        var ha1 = Hex(algorithm, $"{userName}:{realm}:{password}");
        return IsSession(algorithm) ? Hex(algorithm, $"{ha1}:{nonce}:{cnonce}") : ha1;
    }

    /// <summary>
    /// The response: H(HA1:nonce:nc:cnonce:qop:HA2) with a qop, H(HA1:nonce:HA2) without (RFC 2069), where
    /// HA2 = H(method:uri).
    /// </summary>
    public static string Response(string? algorithm, string ha1, string nonce, string? qop, string? nonceCount, string? cnonce, string method, string uri)
    {
        var ha2 = Hex(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hex(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hex(algorithm, $"{ha1}:{nonce}:{nonceCount}:{cnonce}:{qop}:{ha2}");
    }

    /// <summary>A quoted-string's content with backslash and quote escaped.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public static string NewClientNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
