using System.Security.Cryptography;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// The MD5 checksums S3 prescribes (RFC 1864 Content-MD5 on each body; a part's ETag is its MD5 in hex; the ETag of a
/// multipart object is the MD5 of its parts' MD5s, a dash and the part count). Integrity against accidents on the
/// way, not against an attacker (TLS and the signature are for that).
/// </summary>
internal static class PartChecksum
{
    public static byte[] Md5(ReadOnlySpan<byte> data) => MD5.HashData(data);

    public static async Task<byte[]> Md5Async(Stream data, CancellationToken cancellationToken) =>
        await MD5.HashDataAsync(data, cancellationToken).ConfigureAwait(false);

    public static string Hex(byte[] md5) => Convert.ToHexStringLower(md5);

    /// <summary>The ETag S3 gives an object completed from parts with these MD5s (base64), without quotes.</summary>
    public static string MultipartETag(IEnumerable<string> partMd5s)
    {
        var all = partMd5s.SelectMany(Convert.FromBase64String).ToArray();
        var list = partMd5s.Count();
        return $"{Hex(MD5.HashData(all))}-{list}";
    }

    /// <summary>An ETag as servers send it (quoted, sometimes weak) reduced to its value.</summary>
    public static string Bare(string? etag) => (etag ?? string.Empty).Replace("W/", string.Empty, StringComparison.Ordinal).Trim('"');
}
