using System.Security.Cryptography;
using System.Text;

namespace Appliance.Host.Security;

/// <summary>
/// Encrypts secrets at rest (camera passwords, tokens) with AES-256-GCM under a key file that only the
/// appliance user can read (mode 0600), created on first use. Format: <c>v1:</c> + base64(nonce | tag | ciphertext).
/// </summary>
public sealed class SecretBox
{
    private const string Prefix = "v1:";
    private readonly byte[] _key;

    public SecretBox(string keyPath)
    {
        _key = RandomKeyFile.LoadOrCreate(keyPath, "secret key");
    }

    public string Seal(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var cipher = new byte[data.Length];
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, cipher, tag);
        return Prefix + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string Open(string sealedText)
    {
        if (!sealedText.StartsWith(Prefix, StringComparison.Ordinal))
            throw new CryptographicException("not a sealed secret (missing v1: prefix)");
        var raw = Convert.FromBase64String(sealedText[Prefix.Length..]);
        if (raw.Length < 28) throw new CryptographicException("sealed secret is truncated");
        var plain = new byte[raw.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(raw.AsSpan(0, 12), raw.AsSpan(28), raw.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
