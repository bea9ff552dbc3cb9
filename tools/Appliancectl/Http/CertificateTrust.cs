using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Tools.Appliancectl.Http;

/// <summary>
/// How the appliance's TLS certificate is trusted: a valid chain, a SHA-256 fingerprint pinned at login
/// (the appliance's self-signed certificate), or anything (<c>--insecure</c>). Remembers what was presented.
/// </summary>
public sealed class CertificateTrust(string? pinnedSha256, bool insecure)
{
    public string? PinnedSha256 { get; } = pinnedSha256 is null ? null : Normalize(pinnedSha256);

    public bool Insecure { get; } = insecure;

    /// <summary>The fingerprint of the certificate the server presented on the last handshake.</summary>
    public string? PresentedSha256 { get; private set; }

    public SslPolicyErrors PresentedErrors { get; private set; }

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        PresentedSha256 = certificate is null ? null : Fingerprint(certificate);
        PresentedErrors = errors;
        if (Insecure) return true;
        if (PinnedSha256 is not null) return PresentedSha256 == PinnedSha256;
        return errors == SslPolicyErrors.None;
    }

    public HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, errors) => Validate(cert, errors) },
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Why the last handshake was refused, in a sentence the operator can act on.</summary>
    public string RefusalMessage()
    {
        var presented = PresentedSha256 is null ? "(none)" : Display(PresentedSha256);
        if (PinnedSha256 is not null)
            return $"the appliance's certificate (SHA-256 {presented}) is not the one pinned at login (SHA-256 {Display(PinnedSha256)}); " +
                   "if the appliance has a new certificate, check it on the portal's Overview page and run 'appliancectl login' again";
        return $"the appliance's certificate is not trusted ({PresentedErrors}); its SHA-256 fingerprint is {presented}. " +
               "Compare it with the portal's Overview page, then run 'appliancectl login ... --fingerprint <sha256>' to pin it (or --insecure)";
    }

    public static string Fingerprint(X509Certificate certificate) => Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>Upper-case hex without separators; accepts <c>AB:CD:..</c>, <c>ab cd ..</c>, <c>sha256:...</c>.</summary>
    public static string Normalize(string fingerprint)
    {
        var text = fingerprint.Trim();
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        return new string(text.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant).ToArray());
    }

    public static bool IsValidFingerprint(string fingerprint)
    {
        var text = fingerprint.Trim();
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        return text.All(c => char.IsAsciiHexDigit(c) || c is ':' or ' ' or '-') && Normalize(fingerprint).Length == 64;
    }

    public static string Display(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));
}
