using System.Security.Cryptography.X509Certificates;
using Appliance.Testing;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>
/// The listener's certificate: issued for 127.0.0.1 by a throw-away test CA (<see cref="TestPki"/>) that no system
/// trusts, so to the client it is as untrusted as the Web SDK role's self-signed certificate.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genetec-pki-").FullName;

    public TestCertificates()
    {
        using var pki = TestPki.Create(_folder, "genetec");
        var (cert, key) = pki.Server("websdk");
        using var pem = X509Certificate2.CreateFromPemFile(cert, key);
        Server = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var (otherCert, otherKey) = pki.Server("other");
        using var otherPem = X509Certificate2.CreateFromPemFile(otherCert, otherKey);
        Other = X509CertificateLoader.LoadPkcs12(otherPem.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Server { get; }

    /// <summary>Another certificate from the same CA: a pin of it must not accept <see cref="Server"/>.</summary>
    public X509Certificate2 Other { get; }

    public string ServerSha256 => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Server.RawData));

    public void Dispose()
    {
        Server.Dispose();
        Other.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
