using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>The simulator's own checks of WS-Security UsernameToken digests and HTTP Digest answers (independent of the client code under test).</summary>
public sealed class SoapAuthentication(SimulatorOptions options, Func<DateTimeOffset> cameraNow)
{
    private static readonly XNamespace Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private static readonly XNamespace Wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private const string Realm = "onvif-simulator";

    private readonly ConcurrentDictionary<string, byte> _usedNonces = new();
    private readonly ConcurrentDictionary<string, byte> _digestNonces = new();

    /// <summary>Null when the UsernameToken is valid, else the reason (becomes a ter:NotAuthorized fault).</summary>
    public string? CheckUsernameToken(XElement envelope)
    {
        var token = envelope.Descendants(Wsse + "UsernameToken").FirstOrDefault();
        if (token is null) return "no WS-Security UsernameToken";
        var user = token.Element(Wsse + "Username")?.Value;
        var password = token.Element(Wsse + "Password");
        var nonce = token.Element(Wsse + "Nonce")?.Value;
        var created = token.Element(Wsu + "Created")?.Value;
        if (user != options.Username) return "unknown user";
        if (password is null || nonce is null || created is null) return "UsernameToken lacks Password, Nonce or Created";
        if (password.Attribute("Type")?.Value?.EndsWith("#PasswordDigest", StringComparison.Ordinal) != true) return "only PasswordDigest is accepted";
        byte[] nonceBytes;
        try { nonceBytes = Convert.FromBase64String(nonce); }
        catch (FormatException) { return "Nonce is not base64"; }
        var expected = Convert.ToBase64String(SHA1.HashData(nonceBytes.Concat(Encoding.UTF8.GetBytes(created)).Concat(Encoding.UTF8.GetBytes(options.Password)).ToArray()));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(password.Value.Trim())))
            return "password digest mismatch";
        if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdAt))
            return "Created is not a date";
        if ((createdAt - cameraNow()).Duration() > options.AllowedSkew)
            return $"Created {created} is more than {options.AllowedSkew.TotalSeconds}s from the camera clock {cameraNow():O}";
        if (!_usedNonces.TryAdd(nonce + created, 0)) return "replayed nonce";
        return null;
    }

    public string NewDigestChallenge()
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _digestNonces[nonce] = 0;
        return $"Digest realm=\"{Realm}\", qop=\"auth\", nonce=\"{nonce}\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", algorithm=MD5";
    }

    /// <summary>True if <paramref name="authorization"/> is a correct RFC 7616 MD5 / qop=auth answer to one of our nonces.</summary>
    public bool CheckDigest(string? authorization, string method)
    {
        if (authorization is null || !authorization.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase)) return false;
        var p = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in SplitParameters(authorization[7..]))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) p[part[..eq].Trim()] = part[(eq + 1)..].Trim().Trim('"');
        }
        string V(string k) => p.TryGetValue(k, out var v) ? v : "";
        if (V("username") != options.Username || V("realm") != Realm || !_digestNonces.ContainsKey(V("nonce"))) return false;
        static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
        var ha1 = Md5($"{options.Username}:{Realm}:{options.Password}");
        var ha2 = Md5($"{method}:{V("uri")}");
        var expected = Md5($"{ha1}:{V("nonce")}:{V("nc")}:{V("cnonce")}:{V("qop")}:{ha2}");
        return V("qop") == "auth" && expected == V("response");
    }

    private static IEnumerable<string> SplitParameters(string text)
    {
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) { yield return current.ToString(); current.Clear(); continue; }
            current.Append(c);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}
