using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Appliance.CloudLink.Provisioning;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>The provisioning pieces alone: the device key file, the signing request, and hostile enrolment answers.</summary>
public sealed class ProvisioningPiecesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-prov-pieces-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_device_key_is_made_once_owner_only_and_reused()
    {
        var path = Path.Combine(_folder, "cloud", "device.key");
        using var first = DeviceKey.LoadOrCreate(path);
        using var again = DeviceKey.LoadOrCreate(path);
        Assert.Equal(first.ExportSubjectPublicKeyInfo(), again.ExportSubjectPublicKeyInfo());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void The_request_names_the_device_escaped_and_asks_for_client_auth()
    {
        using var key = DeviceKey.LoadOrCreate(Path.Combine(_folder, "k"));
        var request = CertificateRequest.LoadSigningRequest(DeviceKey.SigningRequest(key, "site-7,O=evil"), HashAlgorithmName.SHA256,
            CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        var names = request.SubjectName.EnumerateRelativeDistinguishedNames().ToList();
        Assert.Single(names); // one CN holding the whole id, no injected O=
        Assert.Equal("site-7,O=evil", names[0].GetSingleElementValue());
        var usage = Assert.Single(request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.2", Assert.Single(usage.EnhancedKeyUsages.Cast<Oid>()).Value);
    }

    [Theory]
    [InlineData("not base64 at all!", "not base64")]
    [InlineData("AAAA", "not a PKCS#7")]
    [InlineData("MIIB", "not a PKCS#7")] // a DER header and nothing after it
    public void Hostile_enrolment_answers_are_refused_clearly(string body, string expected)
    {
        var parsed = Pkcs7CertsOnly.Parse(body);
        Assert.False(parsed.IsOk);
        Assert.Equal("malformed", parsed.Failure!.Code);
        Assert.Contains(expected, parsed.Failure.Message);
    }

    [Fact]
    public void Oversized_truncated_and_empty_bundles_are_refused_and_a_real_one_is_read()
    {
        Assert.Contains("larger than", Pkcs7CertsOnly.Parse(new string('A', Pkcs7CertsOnly.MaxBytes + 4)).Failure!.Message);

        using var pki = TestPki.Create(Path.Combine(_folder, "pki"));
        var (certificate, _) = pki.Client("dev-1");
        var empty = Convert.ToBase64String(EmptyBundle());
        Assert.Contains("no certificate", Pkcs7CertsOnly.Parse(empty).Failure!.Message);

        var bundle = Bundle(X509Certificate2.CreateFromPem(File.ReadAllText(certificate)));
        var whole = Pkcs7CertsOnly.Parse(Convert.ToBase64String(bundle, Base64FormattingOptions.InsertLineBreaks));
        Assert.True(whole.IsOk, whole.Failure?.Message);
        Assert.Equal("CN=dev-1", Assert.Single(whole.Value).Subject);
        var truncated = Pkcs7CertsOnly.Parse(Convert.ToBase64String(bundle[..(bundle.Length / 2)]));
        Assert.Equal("malformed", truncated.Failure!.Code);
    }

    /// <summary>A certs-only SignedData with no certificate: what a broken server could send.</summary>
    private static byte[] EmptyBundle()
    {
        var cms = new SignedCms(new ContentInfo(new Oid("1.2.840.113549.1.7.1"), []), detached: false);
        cms.Decode(Bundle(null));
        return cms.Encode();
    }

    /// <summary>A certs-only PKCS#7 as <c>openssl crl2pkcs7 -nocrl</c> makes it (SignedData, no signers).</summary>
    private static byte[] Bundle(X509Certificate2? certificate)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.2");
            using (writer.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf()) { }
                using (writer.PushSequence()) writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                if (certificate is not null)
                    using (writer.PushSetOf(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, true)))
                        writer.WriteEncodedValue(certificate.RawData);
                using (writer.PushSetOf()) { }
            }
        }
        return writer.Encode();
    }
}
