using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Appliance.Plugins.WebRtc.Protocol.Dtls;

/// <summary>
/// The appliance's DTLS identity: a self-signed ECDSA P-256 certificate (WebRTC authenticates it by the SHA-256
/// fingerprint carried in SDP, RFC 8122, not by a chain). One per process is enough; it holds no secret state
/// beyond the key.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = FormatFingerprint(SHA256.HashData(der));
    }

    /// <summary>The certificate, DER-encoded.</summary>
    public byte[] Der { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>SHA-256 fingerprint as SDP writes it: upper-case hex pairs separated by colons.</summary>
    public string Fingerprint { get; }

    /// <summary>A new key pair and certificate valid from a day ago for 30 days.</summary>
    public static DtlsCertificate Generate()
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, random));
        var pair = generator.GenerateKeyPair();
        var name = new X509Name("CN=appliance-webrtc");
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        builder.SetNotAfter(DateTime.UtcNow.AddDays(30));
        builder.SetPublicKey(pair.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), pair.Private);
    }

    public static string FormatFingerprint(ReadOnlySpan<byte> hash) => string.Join(':', hash.ToArray().Select(b => b.ToString("X2")));
}
