using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.CloudLink.Provisioning;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cloud;

/// <summary>
/// The device's identity towards the fleet: its key (made here, <see cref="DeviceKey"/>), the signing request for it,
/// and the certificate the fleet issued. A certificate is installed only when it is for this key, chains to the fleet
/// CA and is valid now; it is written atomically, so a failed install leaves the previous one in place.
/// </summary>
public sealed class CloudIdentity(IOptions<ApplianceOptions> options, TimeProvider time)
{
    public string KeyPath => options.Value.Cloud.KeyFile ?? options.Value.DataPath("cloud", "device.key");

    public string CertificatePath => options.Value.Cloud.CertificateFile ?? options.Value.DataPath("cloud", "device.pem");

    public string DeviceId => CloudSettings.DeviceIdOf(options.Value.Cloud);

    public byte[] SigningRequest()
    {
        using var key = DeviceKey.LoadOrCreate(KeyPath);
        return DeviceKey.SigningRequest(key, DeviceId);
    }

    public string SigningRequestPem() => PemEncoding.WriteString("CERTIFICATE REQUEST", SigningRequest());

    /// <summary>The installed certificate, or null when there is none (or the file is unreadable).</summary>
    public X509Certificate2? Current()
    {
        if (!File.Exists(CertificatePath)) return null;
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A PEM upload (the certificate, optionally followed by its chain).</summary>
    public static Result<X509Certificate2Collection> ParsePem(string pem)
    {
        if (pem.Length > Pkcs7CertsOnly.MaxBytes) return new Failure("too-large", $"a certificate upload is at most {Pkcs7CertsOnly.MaxBytes} bytes");
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            return new Failure("malformed", $"not PEM certificates: {ex.Message}");
        }
        return certificates.Count == 0 ? new Failure("malformed", "no PEM certificate in the upload") : certificates;
    }

    public Result<X509Certificate2> Install(X509Certificate2Collection issued)
    {
        if (!TlsMaterial.LoadAuthorities(options.Value.Cloud.CaFile).TryGetValue(out var authorities, out var noCa)) return noCa;
        using var key = DeviceKey.LoadOrCreate(KeyPath);
        var mine = key.ExportSubjectPublicKeyInfo();
        var leaf = issued.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(mine));
        if (leaf is null) return new Failure("wrong-key", "no certificate in it is for this device's key (was the request made by another appliance?)");
        var now = time.GetUtcNow();
        if (leaf.NotAfter.ToUniversalTime() <= now || leaf.NotBefore.ToUniversalTime() > now)
            return new Failure("expired", $"the certificate is valid only from {leaf.NotBefore:u} to {leaf.NotAfter:u}");
        var others = issued.Where(c => c != leaf).ToList();
        var problems = FleetTrust.ChainProblems(authorities, leaf, others, now);
        if (problems.Count > 0) return new Failure("untrusted", $"the certificate does not chain to the fleet CA ({string.Join(", ", problems)})");
        var pem = new StringBuilder(leaf.ExportCertificatePem()).Append('\n');
        foreach (var other in others.Where(c => !authorities.Contains(c))) pem.Append(other.ExportCertificatePem()).Append('\n');
        var path = CertificatePath;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem.ToString());
        File.Move(temp, path, overwrite: true);
        return leaf;
    }
}
