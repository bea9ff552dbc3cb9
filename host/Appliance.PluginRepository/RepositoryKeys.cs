using Appliance.Abstractions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Appliance.PluginRepository;

/// <summary>A trusted repository key: the file's name (without <c>.pub</c>) and the 32-byte Ed25519 public key.</summary>
public sealed record TrustedKey(string Name, byte[] PublicKey);

/// <summary>
/// Ed25519 keys and detached signatures of the repository index. Key and signature files are one line of base64
/// with a type prefix: <c>ed25519-public:...</c> (32 bytes), <c>ed25519-private:...</c> (the 32-byte seed),
/// <c>ed25519-signature:...</c> (64 bytes). Reading never throws on bad input.
/// </summary>
public static class RepositoryKeys
{
    public const string PublicPrefix = "ed25519-public:";
    public const string PrivatePrefix = "ed25519-private:";
    public const string SignaturePrefix = "ed25519-signature:";

    /// <summary>A new key pair as file texts (private, public).</summary>
    public static (string Private, string Public) Generate()
    {
        var key = new Ed25519PrivateKeyParameters(new SecureRandom());
        return (PrivatePrefix + Convert.ToBase64String(key.GetEncoded()) + "\n",
            PublicPrefix + Convert.ToBase64String(key.GeneratePublicKey().GetEncoded()) + "\n");
    }

    public static Result<byte[]> ReadPublic(string text) => Read(text, PublicPrefix, 32, "public key");

    public static Result<byte[]> ReadPrivate(string text) => Read(text, PrivatePrefix, 32, "private key");

    public static Result<byte[]> ReadSignature(string text) => Read(text, SignaturePrefix, 64, "signature");

    /// <summary>The detached signature file text for <paramref name="message"/>.</summary>
    public static string Sign(byte[] message, byte[] privateSeed)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(privateSeed));
        signer.BlockUpdate(message, 0, message.Length);
        return SignaturePrefix + Convert.ToBase64String(signer.GenerateSignature()) + "\n";
    }

    /// <summary>The public key file text of a private key.</summary>
    public static string PublicOf(byte[] privateSeed) =>
        PublicPrefix + Convert.ToBase64String(new Ed25519PrivateKeyParameters(privateSeed).GeneratePublicKey().GetEncoded()) + "\n";

    public static bool Verify(byte[] message, byte[] signature, byte[] publicKey)
    {
        if (signature.Length != 64 || publicKey.Length != 32) return false;
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>The trusted key that signed <paramref name="message"/>, or why none did.</summary>
    public static Result<TrustedKey> VerifyAny(byte[] message, string signatureText, IReadOnlyList<TrustedKey> keys)
    {
        var signature = ReadSignature(signatureText);
        if (!signature.IsOk) return signature.Failure!;
        if (keys.Count == 0) return new Failure("untrusted", "no trusted repository key is installed: every index is refused");
        foreach (var key in keys)
            if (Verify(message, signature.Value, key.PublicKey)) return key;
        return new Failure("bad-signature",
            $"the index signature does not verify with any trusted key ({string.Join(", ", keys.Select(k => k.Name))})");
    }

    private static Result<byte[]> Read(string text, string prefix, int length, string what)
    {
        var line = text.Trim();
        if (line.Length > 200) return new Failure("malformed", $"{what}: longer than any {what} file");
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
            return new Failure("malformed", $"{what}: does not start with '{prefix}'");
        var bytes = new byte[length + 3];
        if (!Convert.TryFromBase64String(line[prefix.Length..], bytes, out var written) || written != length)
            return new Failure("malformed", $"{what}: not {length} bytes of base64");
        return bytes[..length];
    }
}
