using System.Formats.Tar;
using System.IO.Compression;

namespace Appliance.Testing;

/// <summary>The regular files of a <c>.tar.gz</c> by name, in archive order (a support bundle, for instance).</summary>
public static class TarGzFiles
{
    public static Dictionary<string, byte[]> Read(byte[] archive) => Read(new MemoryStream(archive));

    public static Dictionary<string, byte[]> Read(Stream archive)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                throw new InvalidDataException($"{entry.Name}: a {entry.EntryType}, not a regular file");
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            files.Add(entry.Name, content.ToArray());
        }
        return files;
    }
}
