using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// WS-Security UsernameToken Profile 1.0 with a password digest, as ONVIF Core ("Security" / user-based access control) requires:
/// <c>PasswordDigest = Base64(SHA-1(nonce + created + password))</c>, nonce as raw bytes, created as UTF-8 text.
/// </summary>
public sealed record UsernameToken(string Username, string PasswordDigest, string Nonce, string Created)
{
    public const string PasswordDigestType =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";

    public const string Base64BinaryEncoding =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

    /// <summary>A token for <paramref name="created"/> (the camera's clock, see <see cref="ClockOffset"/>) with a fresh random nonce.</summary>
    public static UsernameToken Create(string username, string password, DateTimeOffset created) =>
        Create(username, password, created, RandomNumberGenerator.GetBytes(16));

    public static UsernameToken Create(string username, string password, DateTimeOffset created, ReadOnlySpan<byte> nonce)
    {
        var createdText = FormatCreated(created);
        return new UsernameToken(username, ComputeDigest(nonce, createdText, password), Convert.ToBase64String(nonce), createdText);
    }

    /// <summary>UTC, millisecond precision, <c>Z</c> suffix: <c>2024-01-31T08:15:30.123Z</c>.</summary>
    public static string FormatCreated(DateTimeOffset created) =>
        created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string ComputeDigest(ReadOnlySpan<byte> nonce, string created, string password)
    {
        var createdBytes = Encoding.UTF8.GetBytes(created);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var input = new byte[nonce.Length + createdBytes.Length + passwordBytes.Length];
        nonce.CopyTo(input);
        createdBytes.CopyTo(input.AsSpan(nonce.Length));
        passwordBytes.CopyTo(input.AsSpan(nonce.Length + createdBytes.Length));
        return Convert.ToBase64String(SHA1.HashData(input));
    }

    /// <summary>The <c>wsse:Security</c> header block carrying this token.</summary>
    public XElement ToHeader() =>
        new(Ns.Wsse + "Security",
            Ns.Declarations(("wsse", Ns.Wsse), ("wsu", Ns.Wsu)),
            SoapEnvelope.MustUnderstand(),
            new XElement(Ns.Wsse + "UsernameToken",
                new XElement(Ns.Wsse + "Username", Username),
                new XElement(Ns.Wsse + "Password", new XAttribute("Type", PasswordDigestType), PasswordDigest),
                new XElement(Ns.Wsse + "Nonce", new XAttribute("EncodingType", Base64BinaryEncoding), Nonce),
                new XElement(Ns.Wsu + "Created", Created)));
}
