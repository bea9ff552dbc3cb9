using System.Buffers.Binary;
using System.Security.Cryptography;
using Appliance.Abstractions;

namespace Appliance.Host.Backup;

/// <summary>A backup opened: its header and the decrypted payload (JSON).</summary>
public sealed record OpenedBackup(BackupHeader Header, byte[] Payload);

/// <summary>
/// The backup file: <c>"APPLBKUP"</c> | u32 header length | header JSON | u32 ciphertext length | AES-256-GCM
/// ciphertext + 16-byte tag | 64-byte Ed25519 signature over everything before it. The key is Argon2id of the
/// passphrase with the header's parameters and salt; the bytes up to the end of the header are GCM's associated data.
/// Opening checks, in order and before any expensive work: size, magic, lengths, header (format version, KDF bounds),
/// then the signature, then the key derivation and GCM.
/// </summary>
public static class BackupEnvelope
{
    public static readonly byte[] Magic = "APPLBKUP"u8.ToArray();

    private const int TagBytes = 16;

    public static byte[] Seal(byte[] payload, string passphrase, DeviceSigningKey signer, string deviceId, DateTimeOffset createdAt, KdfParameters? kdf = null)
    {
        kdf ??= KdfParameters.Default;
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var header = new BackupHeader(BackupLimits.FormatVersion, kdf, Convert.ToBase64String(salt), Convert.ToBase64String(nonce),
            BackupHeader.Aes256Gcm, deviceId, createdAt, signer.PublicKeyBase64).ToUtf8();
        var associated = Prefix(header);
        var key = kdf.DeriveKey(passphrase, salt);
        var cipher = new byte[payload.Length + TagBytes];
        using (var aes = new AesGcm(key, TagBytes))
            aes.Encrypt(nonce, payload, cipher.AsSpan(0, payload.Length), cipher.AsSpan(payload.Length), associated);
        CryptographicOperations.ZeroMemory(key);
        return Assemble(header, cipher, signer);
    }

    /// <summary>Lays out and signs a file from a header and a ciphertext as given (the writer's last step; tests build hostile files with it).</summary>
    public static byte[] Assemble(byte[] header, byte[] cipher, DeviceSigningKey signer)
    {
        var body = new byte[Magic.Length + 4 + header.Length + 4 + cipher.Length];
        Prefix(header).CopyTo(body, 0);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(Magic.Length + 4 + header.Length), (uint)cipher.Length);
        cipher.CopyTo(body, Magic.Length + 8 + header.Length);
        return [.. body, .. signer.Sign(body)];
    }

    /// <summary>The header alone, checked and with its signature verified, without the passphrase (nothing decrypted).</summary>
    public static Result<BackupHeader> ReadHeader(ReadOnlySpan<byte> file) => Split(file).Map(parts => parts.Header);

    public static Result<OpenedBackup> Open(ReadOnlySpan<byte> file, string passphrase)
    {
        if (!Split(file).TryGetValue(out var parts, out var failure)) return failure;
        var header = parts.Header;
        var salt = Base64(header.Salt);
        var nonce = Base64(header.Nonce);
        if (salt is not { Length: >= 16 and <= 64 } || nonce is not { Length: 12 })
            return new Failure("malformed", "the backup header's salt or nonce is not valid");
        var key = header.Kdf.DeriveKey(passphrase, salt);
        var cipher = file.Slice(parts.CipherOffset, parts.CipherLength);
        var payload = new byte[cipher.Length - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(nonce, cipher[..^TagBytes], cipher[^TagBytes..], payload, file[..parts.AssociatedLength]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return new Failure("wrong-passphrase", "the passphrase does not open this backup");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
        return new OpenedBackup(header, payload);
    }

    private sealed record Parts(BackupHeader Header, int AssociatedLength, int CipherOffset, int CipherLength);

    private static Result<Parts> Split(ReadOnlySpan<byte> file)
    {
        if (file.Length > BackupLimits.MaxFileBytes)
            return new Failure("too-large", $"the backup is {file.Length} bytes; the limit is {BackupLimits.MaxFileBytes}");
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
            return new Failure("malformed", "this is not an appliance backup (no APPLBKUP header)");
        if (file.Length < Magic.Length + 4) return Truncated();
        var headerLength = BinaryPrimitives.ReadUInt32BigEndian(file[Magic.Length..]);
        if (headerLength > BackupLimits.MaxHeaderBytes)
            return new Failure("malformed", $"the backup header claims {headerLength} bytes; the limit is {BackupLimits.MaxHeaderBytes}");
        var associated = Magic.Length + 4 + (int)headerLength;
        if (file.Length < associated + 4) return Truncated();
        if (!BackupHeader.Parse(file[(Magic.Length + 4)..associated]).TryGetValue(out var header, out var bad)) return bad;
        if (!header.Kdf.Checked().TryGetValue(out _, out var kdfRefused)) return kdfRefused;
        var cipherLength = BinaryPrimitives.ReadUInt32BigEndian(file[associated..]);
        var cipherOffset = associated + 4;
        if (cipherLength < TagBytes) return new Failure("malformed", "the backup's ciphertext is shorter than its tag");
        if ((long)file.Length < cipherOffset + (long)cipherLength + DeviceSigningKey.SignatureBytes) return Truncated();
        if (file.Length != cipherOffset + (long)cipherLength + DeviceSigningKey.SignatureBytes)
            return new Failure("malformed", "the backup has bytes after its signature");
        var signed = cipherOffset + (int)cipherLength;
        var publicKey = Base64(header.SigningKey);
        if (publicKey is null || !DeviceSigningKey.Verify(publicKey, file[..signed], file[signed..].ToArray()))
            return new Failure("tampered", "the backup's signature does not match its contents: the file was changed or damaged");
        return new Parts(header, associated, cipherOffset, (int)cipherLength);
    }

    private static Failure Truncated() => new("truncated", "the backup file is truncated");

    private static byte[] Prefix(byte[] header)
    {
        var prefix = new byte[Magic.Length + 4 + header.Length];
        Magic.CopyTo(prefix, 0);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(Magic.Length), (uint)header.Length);
        header.CopyTo(prefix, Magic.Length + 4);
        return prefix;
    }

    private static byte[]? Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
