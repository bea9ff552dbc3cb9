using Appliance.Abstractions;

namespace Appliance.Host.Backup;

/// <summary>Reads a backup file from a stream, refusing it as soon as it is larger than <see cref="BackupLimits.MaxFileBytes"/>.</summary>
public static class BoundedRead
{
    public static async Task<Result<byte[]>> ReadAsync(Stream stream, long? declaredLength, CancellationToken ct)
    {
        if (declaredLength > BackupLimits.MaxFileBytes) return TooLarge(declaredLength.Value);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, ct);
            if (read == 0) break;
            if (buffer.Length + read > BackupLimits.MaxFileBytes) return TooLarge(buffer.Length + read);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return new Failure("malformed", "the backup file is empty");
        return buffer.ToArray();
    }

    private static Failure TooLarge(long bytes) =>
        new("too-large", $"the backup is larger than {BackupLimits.MaxFileBytes} bytes (at least {bytes}); nothing was read further");
}
