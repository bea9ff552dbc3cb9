using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Abstractions;

namespace Appliance.Plugins.Shared;

/// <summary>
/// A pinned server certificate: the SHA-256 of its DER bytes, written as 64 hex digits (colons or spaces between
/// bytes allowed, as <c>openssl x509 -fingerprint -sha256</c> prints it). A pinned peer is accepted when it presents
/// exactly that certificate (a site's self-signed VMS, mail server or webhook receiver); without a pin the system's
/// CAs decide, as usual.
/// </summary>
internal sealed class CertificatePin
{
    private readonly byte[] _sha256;

    private CertificatePin(byte[] sha256) => _sha256 = sha256;

    /// <summary>Null or blank: no pin (system trust). Anything else must be a SHA-256 fingerprint.</summary>
    public static Result<CertificatePin?> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Result<CertificatePin?>.Ok(null);
        if (text.Length > 200) return Result<CertificatePin?>.Fail("malformed", "certificateSha256: too long for a SHA-256 fingerprint");
        var hex = new string(text.Where(c => c is not (':' or ' ')).ToArray());
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            return Result<CertificatePin?>.Fail("malformed", "certificateSha256: expected the 64 hex digits of a SHA-256 fingerprint");
        return Result<CertificatePin?>.Ok(new CertificatePin(Convert.FromHexString(hex)));
    }

    public string Fingerprint => Convert.ToHexString(_sha256).ToLower(CultureInfo.InvariantCulture);

    public bool Matches(X509Certificate? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(presented.GetCertHash(HashAlgorithmName.SHA256), _sha256);

    /// <summary>A TLS callback accepting exactly the pinned certificate (name and chain are what the pin replaces).</summary>
    public RemoteCertificateValidationCallback Validation => (_, presented, _, _) => Matches(presented);
}
