using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Appliance.Host.Backup;

namespace Appliance.Api.Tests.Backup;

/// <summary>The backup file alone: layout, KDF parameters, signature, and every hostile file refused with its own code.</summary>
public sealed class BackupEnvelopeTests
{
    private const string Passphrase = "correct horse battery";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly DeviceSigningKey _device = DeviceSigningKey.Ephemeral();
    private readonly byte[] _payload = Encoding.UTF8.GetBytes("""{"format":1,"plugins":[],"rules":[],"cameras":[]}""");

    private byte[] Seal(KdfParameters? kdf = null) => BackupEnvelope.Seal(_payload, Passphrase, _device, "dev-1", At, kdf);

    private static int HeaderLength(byte[] file) => (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(8));

    [Fact]
    public void Round_trip_with_the_header_in_clear_and_the_payload_not()
    {
        var file = Seal();
        Assert.Equal("APPLBKUP"u8.ToArray(), file[..8]);
        var header = JsonNode.Parse(file.AsSpan(12, HeaderLength(file)))!;
        Assert.Equal(1, (int)header["format"]!);
        Assert.Equal("argon2id", (string)header["kdf"]!["name"]!);
        Assert.Equal(65536, (int)header["kdf"]!["memoryKiB"]!);
        Assert.Equal("dev-1", (string)header["deviceId"]!);
        Assert.Equal(_device.PublicKeyBase64, (string)header["signingKey"]!);
        Assert.DoesNotContain("plugins", Encoding.UTF8.GetString(file));

        var opened = BackupEnvelope.Open(file, Passphrase);
        Assert.True(opened.IsOk, opened.ToString());
        Assert.Equal(_payload, opened.Value.Payload);
        Assert.Equal(At, opened.Value.Header.CreatedAt);
    }

    [Fact]
    public void The_kdf_parameters_in_the_header_are_the_ones_used()
    {
        var kdf = new KdfParameters(KdfParameters.Argon2id, 80 * 1024, 1, 2);
        var file = Seal(kdf);
        var opened = BackupEnvelope.Open(file, Passphrase);
        Assert.True(opened.IsOk, opened.ToString());
        Assert.Equal(kdf, opened.Value.Header.Kdf);
        // The same passphrase under the default parameters gives another key: the reader derived with the header's.
        var salt = Convert.FromBase64String(opened.Value.Header.Salt);
        Assert.NotEqual(KdfParameters.Default.DeriveKey(Passphrase, salt), kdf.DeriveKey(Passphrase, salt));
    }

    [Fact]
    public void Wrong_passphrase_is_named_as_such()
    {
        var opened = BackupEnvelope.Open(Seal(), "another passphrase");
        Assert.Equal("wrong-passphrase", opened.Failure!.Code);
    }

    [Fact]
    public void One_flipped_byte_in_header_ciphertext_or_signature_is_refused()
    {
        var file = Seal();
        var headerEnd = 12 + HeaderLength(file);
        // A byte inside the deviceId value (still valid JSON), the middle of the ciphertext, the last signature byte.
        var deviceAt = Encoding.UTF8.GetString(file, 12, HeaderLength(file)).IndexOf("dev-1", StringComparison.Ordinal) + 12;
        foreach (var index in new[] { deviceAt, headerEnd + 4 + (file.Length - headerEnd - 4 - 64) / 2, file.Length - 1 })
        {
            var bad = (byte[])file.Clone();
            bad[index] ^= 0x01;
            var opened = BackupEnvelope.Open(bad, Passphrase);
            Assert.Equal("tampered", opened.Failure?.Code);
        }
    }

    [Fact]
    public void A_changed_header_signed_again_by_someone_else_still_fails_the_gcm_check()
    {
        // Whoever re-signs a changed header with their own key cannot make the ciphertext open under it (header = GCM associated data).
        var file = Seal();
        var headerLength = HeaderLength(file);
        var header = JsonNode.Parse(file.AsSpan(12, headerLength))!;
        header["deviceId"] = "dev-2";
        var other = DeviceSigningKey.Ephemeral();
        header["signingKey"] = other.PublicKeyBase64;
        var cipher = file[(12 + headerLength + 4)..^64];
        var forged = BackupEnvelope.Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), cipher, other);
        Assert.Equal("wrong-passphrase", BackupEnvelope.Open(forged, Passphrase).Failure?.Code);
    }

    [Fact]
    public void Truncated_oversized_and_foreign_files_are_refused()
    {
        var file = Seal();
        foreach (var length in new[] { 10, 20, 12 + HeaderLength(file) + 2, file.Length - 1 })
            Assert.Equal("truncated", BackupEnvelope.Open(file[..length], Passphrase).Failure?.Code);
        Assert.Equal("malformed", BackupEnvelope.Open("PK\u0003\u0004 a zip"u8.ToArray(), Passphrase).Failure?.Code);
        Assert.Equal("malformed", BackupEnvelope.Open([.. file, 0], Passphrase).Failure?.Code);
        var huge = new byte[BackupLimits.MaxFileBytes + 1];
        file.CopyTo(huge, 0);
        Assert.Equal("too-large", BackupEnvelope.Open(huge, Passphrase).Failure?.Code);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_a_clear_message()
    {
        var file = Seal();
        var header = JsonNode.Parse(file.AsSpan(12, HeaderLength(file)))!;
        header["format"] = 2;
        var newer = BackupEnvelope.Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), file[(12 + HeaderLength(file) + 4)..^64], _device);
        var opened = BackupEnvelope.Open(newer, Passphrase);
        Assert.Equal("unsupported-version", opened.Failure?.Code);
        Assert.Contains("format version 2", opened.Failure!.Message);
        Assert.Contains("reads version 1", opened.Failure.Message);
    }

    [Fact]
    public void A_header_claiming_absurd_kdf_memory_is_refused_before_deriving()
    {
        var file = Seal();
        var header = JsonNode.Parse(file.AsSpan(12, HeaderLength(file)))!;
        header["kdf"]!["memoryKiB"] = int.MaxValue;
        var absurd = BackupEnvelope.Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), file[(12 + HeaderLength(file) + 4)..^64], _device);
        var watch = Stopwatch.StartNew();
        var opened = BackupEnvelope.Open(absurd, Passphrase);
        Assert.Equal("malformed", opened.Failure?.Code);
        Assert.Contains("memory", opened.Failure!.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}: it derived");
        header["kdf"]!["memoryKiB"] = 1024;
        var weak = BackupEnvelope.Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), file[(12 + HeaderLength(file) + 4)..^64], _device);
        Assert.Equal("malformed", BackupEnvelope.Open(weak, Passphrase).Failure?.Code);
    }

    [Fact]
    public void Another_devices_key_verifies_and_is_named_in_the_header()
    {
        var other = DeviceSigningKey.Ephemeral();
        var file = BackupEnvelope.Seal(_payload, Passphrase, other, "dev-9", At);
        var opened = BackupEnvelope.Open(file, Passphrase);
        Assert.True(opened.IsOk);
        Assert.Equal(other.PublicKeyBase64, opened.Value.Header.SigningKey);
        Assert.NotEqual(_device.PublicKeyBase64, opened.Value.Header.SigningKey);
    }

    [Fact]
    public void The_device_key_is_created_once_with_owner_only_permissions()
    {
        var dir = Directory.CreateTempSubdirectory("appl-key-").FullName;
        try
        {
            var path = Path.Combine(dir, "secrets", "backup-signing.key");
            var first = new DeviceSigningKey(path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(first.PublicKeyBase64, new DeviceSigningKey(path).PublicKeyBase64);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Short_passphrases_are_refused()
    {
        Assert.NotNull(BackupLimits.PassphraseProblem("short"));
        Assert.NotNull(BackupLimits.PassphraseProblem(""));
        Assert.Null(BackupLimits.PassphraseProblem("twelve chars"));
    }
}
