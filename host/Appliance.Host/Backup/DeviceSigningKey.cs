using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Appliance.Host.Security;

namespace Appliance.Host.Backup;

/// <summary>
/// The device's Ed25519 key that signs its backups: a 32-byte seed in the secrets folder (mode 0600, created on
/// first use, like <see cref="Security.SecretBox"/>'s key). The public key travels in every backup header.
/// </summary>
public sealed class DeviceSigningKey
{
    private readonly Ed25519PrivateKeyParameters _private;

    public DeviceSigningKey(string seedPath) : this(RandomKeyFile.LoadOrCreate(seedPath, "signing key"))
    {
    }

    private DeviceSigningKey(byte[] seed)
    {
        _private = new Ed25519PrivateKeyParameters(seed);
        PublicKey = _private.GeneratePublicKey().GetEncoded();
    }

    /// <summary>A key that lives only in memory (tests: "another device").</summary>
    public static DeviceSigningKey Ephemeral() => new(RandomNumberGenerator.GetBytes(32));

    public const int SignatureBytes = 64;

    public byte[] PublicKey { get; }

    public string PublicKeyBase64 => Convert.ToBase64String(PublicKey);

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    public static bool Verify(byte[] publicKey, ReadOnlySpan<byte> data, byte[] signature)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != SignatureBytes) return false;
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.BlockUpdate(data);
        return verifier.VerifySignature(signature);
    }
}
