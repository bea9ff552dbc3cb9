using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Abstractions;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Which server certificates are trusted. The Web SDK role presents a self-signed certificate when SSL is on
/// (Genetec DAP wiki, "Web SDK Getting Started"), so a server is trusted either by the SHA-256 fingerprint of its
/// certificate (configured: only that certificate is accepted, whatever its chain or name) or, with no fingerprint,
/// by the system's CAs and the host name. Never "accept everything".
/// </summary>
public sealed class CertificatePin
{
    private readonly byte[]? _sha256;

    private CertificatePin(byte[]? sha256) => _sha256 = sha256;

    /// <summary>System CAs and host name only.</summary>
    public static CertificatePin SystemTrust { get; } = new(null);

    /// <summary>64 hex digits, optionally separated by ':' or spaces (as certificate viewers show them).</summary>
    public static Result<CertificatePin> Parse(string? fingerprint)
    {
        if (string.IsNullOrWhiteSpace(fingerprint)) return SystemTrust;
        var hex = new string(fingerprint.Where(c => c is not (':' or ' ')).ToArray());
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            return Result<CertificatePin>.Fail("invalid-config", "certificateSha256: the SHA-256 fingerprint of the server certificate, 64 hex digits (':' separators allowed)");
        return new CertificatePin(Convert.FromHexString(hex));
    }

    public bool IsPinned => _sha256 is not null;

    /// <summary>The fingerprint a certificate would need (upper-case hex), for error messages and setup.</summary>
    public static string Fingerprint(X509Certificate certificate) => Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    public bool Accepts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if (_sha256 is null) return errors == SslPolicyErrors.None;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), _sha256);
    }

    public override string ToString() =>
        _sha256 is null ? "system CAs" : "SHA-256 " + Convert.ToHexString(_sha256).ToLower(CultureInfo.InvariantCulture);
}
