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
        if (!LoadAuthorities(caFile).TryGetValue(out var authorities, out var noCa)) return noCa;
        if (string.IsNullOrWhiteSpace(certificateFile) || string.IsNullOrWhiteSpace(keyFile))
            return new Failure("not-provisioned", "no device certificate and key are configured (cloud.certificateFile, cloud.keyFile)");
        foreach (var file in new[] { certificateFile, keyFile })
            if (!File.Exists(file)) return new Failure("not-provisioned", $"{file} does not exist");
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
    public string? Check(X509Certificate? certificate, SslPolicyErrors errors, DateTimeOffset now) =>
        FleetTrust.Check(Authorities, certificate, errors, now, "broker");

    /// <summary>The fleet CA file alone (enrolment happens before there is a device certificate).</summary>
    public static Result<X509Certificate2Collection> LoadAuthorities(string? caFile)
    {
        if (string.IsNullOrWhiteSpace(caFile)) return new Failure("not-provisioned", "no fleet CA file is configured (cloud.caFile)");
        if (!File.Exists(caFile)) return new Failure("not-provisioned", $"{caFile} does not exist");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException ex)
        {
            return new Failure("malformed", $"{caFile} is not a PEM certificate: {ex.Message}");
        }
        return authorities.Count == 0 ? new Failure("malformed", $"{caFile} holds no certificate") : authorities;
    }
}
