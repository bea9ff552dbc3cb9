using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Appliance.Abstractions;

namespace Appliance.Tools.Flash;

/// <summary>How far a write or a verification is.</summary>
public sealed record FlashProgress(string Stage, long Done, long Total, TimeSpan Elapsed)
{
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;
}

/// <summary>What a write did: how many bytes, the image's SHA-256 (as read while writing), how long.</summary>
public sealed record WriteOutcome(long Bytes, string Sha256, TimeSpan Elapsed);

/// <summary>What a verification read back from the target.</summary>
public sealed record VerifyOutcome(long Bytes, string Sha256, TimeSpan Elapsed);

/// <summary>
/// Writes an image to a target in large blocks, hashing what it reads, and reads the target back to compare.
/// The target's cached pages are dropped after the write (fsync, then fadvise DONTNEED) so the verification reads
/// what reached the device, not what is still in memory.
/// </summary>
public sealed class ImageFlasher(int blockBytes = 4 * 1024 * 1024)
{
    /// <summary>Opens the target for writing (tests replace it to prove nothing is opened).</summary>
    public Func<FlashTarget, Stream> OpenForWrite { get; init; } = OpenTarget;

    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    public async Task<Result<WriteOutcome>> WriteAsync(string imagePath, FlashTarget target, string? expectedSha256,
        IProgress<FlashProgress>? progress, CancellationToken ct)
    {
        if (!File.Exists(imagePath)) return Result<WriteOutcome>.Fail("not-found", $"the image {imagePath} does not exist");
        var length = new FileInfo(imagePath).Length;
        if (length == 0) return Result<WriteOutcome>.Fail("invalid", $"the image {imagePath} is empty");
        if (length > target.Capacity)
            return Result<WriteOutcome>.Fail("too-small", $"{target.Path} holds {Size(target.Capacity)}, the image needs {Size(length)}");

        var clock = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[blockBytes];
        long done = 0;
        var lastReport = TimeSpan.Zero;
        await using (var source = new FileStream(imagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        await using (var sink = OpenForWrite(target))
        {
            while (done < length)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), ct);
                if (read == 0) break;
                hash.AppendData(buffer, 0, read);
                await sink.WriteAsync(buffer.AsMemory(0, read), ct);
                done += read;
                if (clock.Elapsed - lastReport >= ReportEvery)
                {
                    lastReport = clock.Elapsed;
                    progress?.Report(new FlashProgress("write", done, length, clock.Elapsed));
                }
            }
            if (sink is FileStream file)
            {
                file.Flush(flushToDisk: true);
                DropCache(file);
            }
        }
        progress?.Report(new FlashProgress("write", done, length, clock.Elapsed));
        if (done < length)
            return Result<WriteOutcome>.Fail("truncated", $"the image ended after {done} of {length} bytes while it was written");
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (expectedSha256 is not null && !string.Equals(sha, expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
            return Result<WriteOutcome>.Fail("bad-image", $"the image's SHA-256 is {sha}, expected {expectedSha256.Trim()}: it is truncated or corrupt; {target.Path} holds a bad copy");
        return new WriteOutcome(done, sha, clock.Elapsed);
    }

    /// <summary>Reads the first <paramref name="length"/> bytes of the target back and compares their SHA-256.</summary>
    public async Task<Result<VerifyOutcome>> VerifyAsync(FlashTarget target, long length, string expectedSha256,
        IProgress<FlashProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[blockBytes];
        long done = 0;
        var lastReport = TimeSpan.Zero;
        await using (var stream = new FileStream(target.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
        {
            while (done < length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), ct);
                if (read == 0) break;
                hash.AppendData(buffer, 0, read);
                done += read;
                if (clock.Elapsed - lastReport >= ReportEvery)
                {
                    lastReport = clock.Elapsed;
                    progress?.Report(new FlashProgress("verify", done, length, clock.Elapsed));
                }
            }
        }
        progress?.Report(new FlashProgress("verify", done, length, clock.Elapsed));
        if (done < length)
            return Result<VerifyOutcome>.Fail("verify-failed", $"{target.Path} ended after {done} of {length} bytes");
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
            return Result<VerifyOutcome>.Fail("verify-failed", $"{target.Path} reads back as SHA-256 {sha}, the image is {expectedSha256}");
        return new VerifyOutcome(done, sha, clock.Elapsed);
    }

    private static FileStream OpenTarget(FlashTarget target) =>
        target.IsBlockDevice
            ? new FileStream(target.Path, FileMode.Open, FileAccess.Write, FileShare.None, 1, FileOptions.None)
            : new FileStream(target.Path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);

    private const int PosixFadvDontNeed = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_fadvise(int fd, long offset, long len, int advice);

    private static void DropCache(FileStream stream)
    {
        var handle = stream.SafeFileHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = posix_fadvise((int)handle.DangerousGetHandle(), 0, 0, PosixFadvDontNeed);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        _ => $"{bytes} bytes",
    };
}
