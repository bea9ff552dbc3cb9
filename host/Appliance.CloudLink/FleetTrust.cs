using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.CloudLink;

/// <summary>
/// Whether a fleet server's certificate (the broker's, the enrolment server's) chains to the fleet CA, which alone is
/// trusted. Null when it does, else why not, in words for health and results.
/// </summary>
public static class FleetTrust
{
    public static string? Check(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors, DateTimeOffset now, string peer)
    {
        if (certificate is null) return $"the {peer} sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return $"the {peer}'s certificate does not name the {peer}'s address";
        using var leaf = certificate as X509Certificate2 is { } c ? X509CertificateLoader.LoadCertificate(c.RawData) : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var status = ChainProblems(authorities, leaf, [], now);
        if (status.Count == 0) return null;
        if (status.Contains(X509ChainStatusFlags.NotTimeValid)) return $"the {peer}'s certificate is expired or not yet valid";
        if (status.Contains(X509ChainStatusFlags.UntrustedRoot) || status.Contains(X509ChainStatusFlags.PartialChain))
            return $"the {peer}'s certificate is not issued by the fleet CA";
        return $"the {peer}'s certificate is not valid: {string.Join(", ", status)}";
    }

    /// <summary>What keeps <paramref name="leaf"/> (with <paramref name="intermediates"/>) from chaining to the fleet CA; empty when it does.</summary>
    public static IReadOnlyList<X509ChainStatusFlags> ChainProblems(X509Certificate2Collection authorities, X509Certificate2 leaf, IEnumerable<X509Certificate2> intermediates, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        foreach (var extra in intermediates) chain.ChainPolicy.ExtraStore.Add(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (chain.Build(leaf)) return [];
        return chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
    }
}
