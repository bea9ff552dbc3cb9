using Appliance.Abstractions;

namespace Appliance.Plugins.Shared;

/// <summary>An alert image ready to go out: the JPEG the media plugin kept for the event that fired a rule.</summary>
internal sealed record AlertThumbnail(string SnapshotId, byte[] Jpeg, int Width, int Height)
{
    public const string ContentType = "image/jpeg";
}

/// <summary>
/// Reads the alert image a rule action names (parameter <c>snapshotPath</c>, set by the host's rule runner to the
/// media plugin's kept JPEG) at delivery time, when the file may be gone (the media plugin's budget deleted it), too
/// large for the channel, or not a JPEG. Never throws for any of these: the caller sends its message without the image
/// and says why (<see cref="Failure.Message"/>). Codes: <c>missing</c>, <c>too-large</c>, <c>not-jpeg</c>,
/// <c>unreadable</c>. Shared source (plugins/Shared/Thumbnails), compiled internal into the e-mail and webhook plugins.
/// </summary>
internal static class AlertThumbnails
{
    /// <summary>The rule action parameter naming the file.</summary>
    public const string PathParameter = "snapshotPath";

    /// <summary>Null when the action names no image; else the image or why it cannot go.</summary>
    public static Result<AlertThumbnail>? Read(IReadOnlyDictionary<string, string> parameters, long maxBytes)
    {
        if (!parameters.TryGetValue(PathParameter, out var path) || string.IsNullOrEmpty(path)) return null;
        var id = Path.GetFileNameWithoutExtension(path);
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists) return Result<AlertThumbnail>.Fail("missing", $"the snapshot {id} is gone (deleted after the rule fired)");
            if (file.Length > maxBytes)
                return Result<AlertThumbnail>.Fail("too-large", $"the snapshot {id} is {file.Length} bytes; the limit is {maxBytes}");
            return Parse(id, File.ReadAllBytes(path), maxBytes);
        }
        catch (FileNotFoundException)
        {
            return Result<AlertThumbnail>.Fail("missing", $"the snapshot {id} is gone (deleted after the rule fired)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<AlertThumbnail>.Fail("unreadable", $"the snapshot {id} could not be read: {e.Message}");
        }
    }

    /// <summary>
    /// Checks that <paramref name="bytes"/> are one baseline or progressive JPEG (SOI first, EOI last, a frame header
    /// before the scan) no larger than <paramref name="maxBytes"/>, and reads its size from the frame header. Pure.
    /// </summary>
    public static Result<AlertThumbnail> Parse(string snapshotId, byte[] bytes, long maxBytes)
    {
        if (bytes.Length > maxBytes) return Result<AlertThumbnail>.Fail("too-large", $"the snapshot {snapshotId} is {bytes.Length} bytes; the limit is {maxBytes}");
        if (bytes.Length < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8)
            return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} is not a JPEG (no start-of-image marker)");
        if (bytes[^2] != 0xFF || bytes[^1] != 0xD9)
            return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} is a truncated JPEG (no end-of-image marker)");
        var at = 2;
        while (at + 4 <= bytes.Length)
        {
            if (bytes[at] != 0xFF) return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} has no marker at byte {at}");
            var marker = bytes[at + 1];
            if (marker == 0xFF) { at++; continue; } // fill byte
            if (marker is 0xD8 or 0xD9 or 0xDA) break; // a second SOI, EOI or the scan before any frame header
            var length = (bytes[at + 2] << 8) | bytes[at + 3];
            if (length < 2 || at + 2 + length > bytes.Length)
                return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} has a segment running past its end at byte {at}");
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 8) return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} has a short frame header");
                var height = (bytes[at + 5] << 8) | bytes[at + 6];
                var width = (bytes[at + 7] << 8) | bytes[at + 8];
                if (width == 0 || height == 0) return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} claims a {width}x{height} picture");
                return new AlertThumbnail(snapshotId, bytes, width, height);
            }
            at += 2 + length;
        }
        return Result<AlertThumbnail>.Fail("not-jpeg", $"the snapshot {snapshotId} has no frame header before its scan");
    }
}
