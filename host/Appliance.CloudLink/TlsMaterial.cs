using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Abstractions;

namespace Appliance.CloudLink;

/// <summary>
/// The provisioned trust and identity of the link: the fleet CA (PEM, one or more certificates) that the broker's
/// certificate must chain to, and the device's own certificate and private key (PEM) for mutual TLS. The system CA
/// store is never consulted: a broker with a publicly trusted certificate but not from the fleet CA is refused.
/// </summary>
public sealed class TlsMaterial
{
    private TlsMaterial(X509Certificate2Collection authorities, X509Certificate2 client)
    {
        Authorities = authorities;
        Client = client;
    }

    public X509Certificate2Collection Authorities { get; }

    public X509Certificate2 Client { get; }

    public static Result<TlsMaterial> Load(string? caFile, string? certificateFile, string? keyFile)
    {
        if (string.IsNullOrWhiteSpace(caFile)) return new Failure("not-provisioned", "no fleet CA file is configured (cloud.caFile)");
        if (string.IsNullOrWhiteSpace(certificateFile) || string.IsNullOrWhiteSpace(keyFile))
            return new Failure("not-provisioned", "no device certificate and key are configured (cloud.certificateFile, cloud.keyFile)");
        foreach (var file in new[] { caFile, certificateFile, keyFile })
            if (!File.Exists(file)) return new Failure("not-provisioned", $"{file} does not exist");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException ex)
        {
            return new Failure("malformed", $"{caFile} is not a PEM certificate: {ex.Message}");
        }
        if (authorities.Count == 0) return new Failure("malformed", $"{caFile} holds no certificate");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // Re-imported so the key is usable by SslStream as a client credential.
            var client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            return new TlsMaterial(authorities, client);
        }
        catch (CryptographicException ex)
        {
            return new Failure("malformed", $"{certificateFile} with {keyFile} is not a PEM certificate and its private key: {ex.Message}");
        }
    }

    /// <summary>The device certificate's validity end; renewal is due well before it.</summary>
    public DateTimeOffset ClientNotAfter => Client.NotAfter.ToUniversalTime();

    /// <summary>
    /// Checks a broker's certificate against the fleet CA only. Null when trusted, else why not, in words for the
    /// health page ("not issued by the fleet CA", "expired", "name mismatch").
    /// </summary>
    public string? Check(X509Certificate? certificate, SslPolicyErrors errors, DateTimeOffset now)
    {
        if (certificate is null) return "the broker sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return "the broker's certificate does not name the broker's address";
        using var leaf = certificate as X509Certificate2 is { } c ? X509CertificateLoader.LoadCertificate(c.RawData) : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (chain.Build(leaf)) return null;
        var status = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        if (status.Contains(X509ChainStatusFlags.NotTimeValid)) return "the broker's certificate is expired or not yet valid";
        if (status.Contains(X509ChainStatusFlags.UntrustedRoot) || status.Contains(X509ChainStatusFlags.PartialChain))
            return "the broker's certificate is not issued by the fleet CA";
        return $"the broker's certificate is not valid: {string.Join(", ", status)}";
    }
}
