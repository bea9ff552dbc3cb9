using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Host.Configuration;

namespace Appliance.Host.Security;

/// <summary>
/// The portal's TLS certificate: the configured PFX, or a self-signed one generated on first start and
/// kept in the data directory (so browsers can pin it), renewed when it is about to expire.
/// </summary>
public static class CertificateProvider
{
    public static X509Certificate2 Load(ApplianceOptions options)
    {
        if (!string.IsNullOrEmpty(options.Http.CertificatePath))
            return X509CertificateLoader.LoadPkcs12FromFile(options.Http.CertificatePath, options.Http.CertificatePassword);
        var path = options.DataPath("certificates", "portal.pfx");
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30)) return existing;
        }
        var created = CreateSelfSigned(Environment.MachineName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(created.Export(X509ContentType.Pkcs12));
        }
        File.Move(temp, path, overwrite: true);
        return X509CertificateLoader.LoadPkcs12FromFile(path, null);
    }

    public static X509Certificate2 CreateSelfSigned(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}, O=Appliance", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }
}
