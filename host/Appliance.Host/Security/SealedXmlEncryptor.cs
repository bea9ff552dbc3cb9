using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Appliance.Host.Security;

/// <summary>
/// Data-protection keys (which sign the session and antiforgery cookies) are stored encrypted with the host's
/// secret key (<see cref="SecretBox"/>, AES-256-GCM), not as plain XML.
/// </summary>
public sealed class SealedXmlEncryptor(SecretBox box) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("sealed", box.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting))), typeof(SealedXmlDecryptor));
}

/// <summary>Opens keys sealed by <see cref="SealedXmlEncryptor"/> (created by the data-protection system with the host's services).</summary>
public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretBox>().Open(encryptedElement.Value));
}
