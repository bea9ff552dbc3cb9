using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Appliance.Abstractions;

namespace Appliance.CloudLink.Provisioning;

/// <summary>
/// An EST answer's body (RFC 7030 4.2.3): a base64 "certs-only" PKCS#7 (CMS SignedData without signers) holding the
/// issued certificate and, often, its chain.
/// </summary>
public static class Pkcs7CertsOnly
{
    public const int MaxBytes = 256 * 1024;

    public static Result<X509Certificate2Collection> Parse(string base64)
    {
        if (base64.Length > MaxBytes) return new Failure("malformed", $"the enrolment answer is larger than {MaxBytes} bytes");
        byte[] der;
        try
        {
            der = Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return new Failure("malformed", "the enrolment answer is not base64");
        }
        var cms = new SignedCms();
        try
        {
            cms.Decode(der);
        }
        catch (CryptographicException ex)
        {
            return new Failure("malformed", $"the enrolment answer is not a PKCS#7 certificate bundle: {ex.Message}");
        }
        return cms.Certificates.Count == 0
            ? new Failure("malformed", "the enrolment answer holds no certificate")
            : cms.Certificates;
    }
}
