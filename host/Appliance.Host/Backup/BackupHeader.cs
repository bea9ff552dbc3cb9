using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Abstractions;

namespace Appliance.Host.Backup;

/// <summary>
/// The envelope's clear header (JSON): format version, KDF with its parameters, salt, GCM nonce, the device that
/// wrote it and when, and the device's Ed25519 public key. It is bound to the ciphertext as GCM associated data and
/// covered by the signature, so none of it can be changed without the file being refused.
/// </summary>
public sealed record BackupHeader(
    int Format,
    KdfParameters Kdf,
    string Salt,
    string Nonce,
    string Cipher,
    string DeviceId,
    DateTimeOffset CreatedAt,
    string SigningKey)
{
    public const string Aes256Gcm = "aes-256-gcm";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The header, or why it cannot be one (version first: a newer format is named as such).</summary>
    public static Result<BackupHeader> Parse(ReadOnlySpan<byte> utf8)
    {
        BackupHeader? header;
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new Failure("malformed", "the backup header is not a JSON object");
            if (!doc.RootElement.TryGetProperty("format", out var format) || !format.TryGetInt32(out var version))
                return new Failure("malformed", "the backup header has no format version");
            if (version > BackupLimits.FormatVersion)
                return new Failure("unsupported-version",
                    $"the backup is format version {version}; this appliance reads version {BackupLimits.FormatVersion} (update the appliance first)");
            if (version < 1) return new Failure("malformed", $"format version {version} is not a backup format");
            header = doc.RootElement.Deserialize<BackupHeader>(Json);
        }
        catch (JsonException e)
        {
            return new Failure("malformed", $"the backup header is not valid JSON: {e.Message}");
        }
        if (header is null || header.Kdf is null || header.Salt is null || header.Nonce is null || header.DeviceId is null || header.SigningKey is null)
            return new Failure("malformed", "the backup header lacks kdf, salt, nonce, deviceId or signingKey");
        if (header.Cipher != Aes256Gcm) return new Failure("malformed", $"cipher '{header.Cipher}' is not supported (only {Aes256Gcm})");
        return header;
    }
}
