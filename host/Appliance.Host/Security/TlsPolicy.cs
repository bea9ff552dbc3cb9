using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Appliance.Host.Security;

/// <summary>
/// The portal's TLS: 1.2 and 1.3 only; TLS 1.2 limited to ECDHE with AEAD suites (AES-GCM, ChaCha20-Poly1305),
/// so no CBC suite is ever negotiated. (Cipher suite policies work with OpenSSL, i.e. on Linux.)
/// </summary>
public static class TlsPolicy
{
    public static readonly IReadOnlyList<TlsCipherSuite> Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The versions the portal accepts (the security report reads its lowest from here).</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static HttpsConnectionAdapterOptions Options(X509Certificate2 certificate) => new()
    {
        ServerCertificate = certificate,
        SslProtocols = Protocols,
        OnAuthenticate = (_, ssl) =>
        {
            if (OperatingSystem.IsLinux()) ssl.CipherSuitesPolicy = new CipherSuitesPolicy(Suites);
        },
    };
}
