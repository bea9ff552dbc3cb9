using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.CloudLink.Provisioning;

/// <summary>
/// The device's own key pair (ECDSA P-256), made on the device and never leaving it: kept as a PKCS#8 PEM file only
/// its owner can read (0600), written to a temporary file, flushed and moved into place. The fleet learns only its
/// public half, through a certificate signing request (PKCS#10) whose subject is the device id.
/// </summary>
public static class DeviceKey
{
    public static ECDsa LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = path + ".tmp";
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(fresh.ExportPkcs8PrivateKeyPem());
                writer.Flush();
                stream.Flush(true);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp); // made meanwhile by another start: that one is the key
            }
        }
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    /// <summary>A PKCS#10 request (DER) for a client certificate: subject CN = the device id, digital signature, client auth.</summary>
    public static byte[] SigningRequest(ECDsa key, string deviceId)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(deviceId);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSigningRequest();
    }

    public static string SigningRequestPem(ECDsa key, string deviceId) =>
        PemEncoding.WriteString("CERTIFICATE REQUEST", SigningRequest(key, deviceId));
}
