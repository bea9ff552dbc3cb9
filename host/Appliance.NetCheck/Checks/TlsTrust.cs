using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.NetCheck.Checks;

/// <summary>
/// How server certificates are validated: the system trust store, or only the given anchors (tests, private
/// clouds). Revocation is not checked: that would send traffic to CRL/OCSP hosts the allowlist may not cover.
/// </summary>
public sealed class TlsTrust
{
    private readonly X509Certificate2Collection? _anchors;

    private TlsTrust(X509Certificate2Collection? anchors) => _anchors = anchors;

    public static TlsTrust System { get; } = new(null);

    public static TlsTrust CustomAnchors(IEnumerable<X509Certificate2> anchors) => new([.. anchors]);

    internal SslClientAuthenticationOptions ClientOptions(string targetHost, List<string> problems)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                if (errors != SslPolicyErrors.None)
                {
                    problems.Add(errors.ToString());
                    problems.AddRange(chain?.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}") ?? []);
                }

                return errors == SslPolicyErrors.None;
            },
        };
        if (_anchors is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(_anchors);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }
}
