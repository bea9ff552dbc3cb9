using System.Security.Cryptography.X509Certificates;

namespace Appliance.NetCheck.Tests.Infrastructure;

/// <summary>A test CA and server certificates made with openssl (EC P-256).</summary>
public sealed class TestCertificates
{
    private readonly TempDir _dir;

    private TestCertificates(TempDir dir, string prefix)
    {
        _dir = dir;
        CaCert = dir.File($"{prefix}-ca.crt");
        CaKey = dir.File($"{prefix}-ca.key");
    }

    public string CaCert { get; }

    public string CaKey { get; }

    public X509Certificate2 CaCertificate => X509CertificateLoader.LoadCertificateFromFile(CaCert);

    public static async Task<TestCertificates> CreateCaAsync(TempDir dir, string prefix)
    {
        var certs = new TestCertificates(dir, prefix);
        await Proc.CheckAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", certs.CaKey, "-out", certs.CaCert, "-days", "400", "-subj", $"/CN={prefix} test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return certs;
    }

    /// <summary>Issues a server certificate for the names; returns (cert path, key path).</summary>
    public async Task<(string Cert, string Key)> IssueServerAsync(string name, int days, params string[] subjectAltNames)
    {
        var key = _dir.File($"{name}.key");
        var csr = _dir.File($"{name}.csr");
        var cert = _dir.File($"{name}.crt");
        var ext = _dir.File($"{name}.ext");
        await File.WriteAllTextAsync(ext,
            $"subjectAltName={string.Join(',', subjectAltNames)}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        await Proc.CheckAsync("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", $"/CN={name}");
        await Proc.CheckAsync("openssl", "x509", "-req", "-in", csr, "-CA", CaCert, "-CAkey", CaKey, "-CAcreateserial",
            "-out", cert, "-days", days.ToString(System.Globalization.CultureInfo.InvariantCulture), "-extfile", ext);
        return (cert, key);
    }
}
