using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using SHA256 = System.Security.Cryptography.SHA256;
using Appliance.Plugins.WebRtc.Protocol.Srtp;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Plugins.WebRtc.Protocol.Dtls;

/// <summary>
/// The DTLS 1.2 server of a WebRTC session (RFC 5763/5764): ECDHE-ECDSA with AES-GCM, a client certificate
/// required and checked against the offer's SDP fingerprint, the use_srtp extension choosing the first of our
/// preferred profiles the client offers, and the SRTP keying material exported when the handshake completes.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsCertificate _certificate;
    private readonly byte[] _expectedClientFingerprint;
    private readonly IReadOnlyList<SrtpProfile> _preferred;
    private SrtpProfile? _chosen;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, byte[] expectedClientFingerprint, IReadOnlyList<SrtpProfile> preferred)
        : base(crypto)
    {
        _certificate = certificate;
        _expectedClientFingerprint = expectedClientFingerprint;
        _preferred = preferred;
    }

    /// <summary>The profile and keying material, set when the handshake completed.</summary>
    public (SrtpProfile Profile, byte[] Material)? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        var chain = new Certificate([new BcTlsCertificate(crypto, _certificate.Der)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, _certificate.PrivateKey, chain,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            [
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
            ],
            null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty) throw new TlsFatalAlert(AlertDescription.certificate_required);
        var der = clientCertificate.GetCertificateAt(0).GetEncoded();
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(der), _expectedClientFingerprint))
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
    }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var useSrtp = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);
        var offered = useSrtp.ProtectionProfiles;
        foreach (var p in _preferred)
        {
            if (offered.Contains((int)p))
            {
                _chosen = p;
                return;
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_chosen!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _chosen!.Value;
        Keys = (profile, m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.KeyingMaterialLength()));
    }
}
