using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Testing;

/// <summary>
/// A test certificate authority in a folder: its PEM, and server and client certificates it signs, each written as
/// <c>name.pem</c> + <c>name.key</c> (PEM, readable by mosquitto and openssl as well as by .NET).
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey;
    private readonly X509Certificate2 _ca;

    private TestPki(string folder, string name, ECDsa caKey, X509Certificate2 ca)
    {
        Folder = folder;
        _caKey = caKey;
        _ca = ca;
        CaPath = Path.Combine(folder, name + "-ca.pem");
        File.WriteAllText(CaPath, ca.ExportCertificatePem());
    }

    public string Folder { get; }

    public string CaPath { get; }

    /// <summary>Writes the CA's private key (PKCS#8 PEM) for a peer that signs with it (openssl as an EST server's CA).</summary>
    public string WriteCaKey()
    {
        var path = Path.Combine(Folder, Path.GetFileNameWithoutExtension(CaPath) + ".key");
        File.WriteAllText(path, _caKey.ExportPkcs8PrivateKeyPem());
        return path;
    }

    public static TestPki Create(string folder, string name = "fleet")
    {
        Directory.CreateDirectory(folder);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new TestPki(folder, name, key, ca);
    }

    /// <summary>A server certificate for 127.0.0.1, ::1 and localhost.</summary>
    public (string Certificate, string Key) Server(string name = "broker") =>
        Issue(name, $"CN={name}", serverAuth: true, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A client certificate whose common name is <paramref name="commonName"/> (mosquitto's user name with use_identity_as_username).</summary>
    public (string Certificate, string Key) Client(string commonName, DateTimeOffset? notAfter = null) =>
        Issue(commonName, $"CN={commonName}", serverAuth: false, DateTimeOffset.UtcNow.AddDays(-2), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));

    private (string Certificate, string Key) Issue(string fileName, string subject, bool serverAuth, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var certificate = request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), notBefore, notAfter, serial);
        var certPath = Path.Combine(Folder, fileName + ".pem");
        var keyPath = Path.Combine(Folder, fileName + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }
}
