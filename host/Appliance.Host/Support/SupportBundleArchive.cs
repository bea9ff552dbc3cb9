using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Appliance.Host.Support;

/// <summary>One file of a support bundle.</summary>
public sealed record SupportBundlePart(string Name, byte[] Content);

/// <summary>
/// Writes the parts of a support bundle as a <c>.tar.gz</c>: each part capped at <see cref="MaxPartBytes"/> (cut, and
/// said so in the manifest), then <c>manifest.json</c> listing every file with its size.
/// </summary>
public static class SupportBundleArchive
{
    public const int MaxPartBytes = 5 * 1024 * 1024;

    public const string ManifestName = "manifest.json";

    public sealed record ManifestEntry(string Name, long Bytes, long OriginalBytes, bool Truncated);

    public static byte[] Write(IEnumerable<SupportBundlePart> parts, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var manifest = new List<ManifestEntry>();
            foreach (var part in parts)
            {
                var content = part.Content.Length > MaxPartBytes ? part.Content[..MaxPartBytes] : part.Content;
                manifest.Add(new ManifestEntry(part.Name, content.Length, part.Content.Length, content.Length < part.Content.Length));
                Add(tar, part.Name, content, at);
            }
            var listing = JsonSerializer.SerializeToUtf8Bytes(new { createdAt = at, maxPartBytes = MaxPartBytes, files = manifest }, SupportBundleJson.Options);
            Add(tar, ManifestName, listing, at);
        }
        return buffer.ToArray();
    }

    private static void Add(TarWriter tar, string name, byte[] content, DateTimeOffset at)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = at,
            DataStream = new MemoryStream(content, writable: false),
        };
        tar.WriteEntry(entry);
    }

    public static SupportBundlePart Text(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));

    public static SupportBundlePart Json<T>(string name, T value) => new(name, JsonSerializer.SerializeToUtf8Bytes(value, SupportBundleJson.Options));
}

/// <summary>How the bundle writes JSON: indented, camelCase, enums as names.</summary>
public static class SupportBundleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
