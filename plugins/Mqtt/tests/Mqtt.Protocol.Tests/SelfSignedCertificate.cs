using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>A self-signed broker certificate for 127.0.0.1 (PEM certificate and key files) and its SHA-256 fingerprint.</summary>
public sealed record SelfSignedCertificate(string CertificatePath, string KeyPath, string Sha256)
{
    public static SelfSignedCertificate Create(string folder, string name = "broker")
    {
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(folder, name + ".pem");
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new SelfSignedCertificate(certificatePath, keyPath, Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256)));
    }
}
