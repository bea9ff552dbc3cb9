using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Host.Configuration;

namespace Appliance.Host.Pages.Support;

/// <summary>
/// The SHA-256 fingerprint of the portal's TLS certificate, shown on the Overview page so an operator can
/// check what a browser or <c>appliancectl login</c> is asked to trust. Reads the file; never creates one.
/// </summary>
public static class CertificateFingerprint
{
    public static string? Of(ApplianceOptions options)
    {
        var path = string.IsNullOrEmpty(options.Http.CertificatePath) ? options.DataPath("certificates", "portal.pfx") : options.Http.CertificatePath;
        try
        {
            if (!File.Exists(path)) return null;
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.Http.CertificatePassword);
            return Format(SHA256.HashData(certificate.RawData));
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Format(byte[] hash) => string.Join(':', Convert.ToHexString(hash).Chunk(2).Select(c => new string(c)));
}
