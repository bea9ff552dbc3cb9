using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Testing;

/// <summary>A self-signed server certificate for 127.0.0.1 and localhost, and its PEM for a client's trusted CA file.</summary>
public sealed class TestTls
{
    private TestTls(X509Certificate2 certificate, string pemPath)
    {
        Certificate = certificate;
        PemPath = pemPath;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM (the one root a client must trust).</summary>
    public string PemPath { get; }

    /// <param name="dnsNames">more names the certificate is for (besides 127.0.0.1 and localhost).</param>
    public static TestTls Create(string folder, string name = "repository", IEnumerable<string>? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        foreach (var dnsName in dnsNames ?? []) names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        Directory.CreateDirectory(folder);
        var pem = Path.Combine(folder, name + "-ca.pem");
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return new TestTls(certificate, pem);
    }
}
