using Appliance.Abstractions;
using System.IO.Compression;

namespace Appliance.Host.Plugins;

/// <summary>
/// Reads a plugin package (a zip with <c>plugin.json</c> at its root or in one top folder) into a staging
/// folder, refusing hostile archives: paths escaping the folder, absolute paths, too many entries,
/// too many bytes unpacked.
/// </summary>
public static class PluginPackage
{
    public const int MaxEntries = 2000;
    public const long MaxUnpackedBytes = 512L * 1024 * 1024;

    /// <summary>Extracts <paramref name="zip"/> into <paramref name="target"/> (created); returns the folder holding plugin.json, or why not (code "refused").</summary>
    public static Result<string> Extract(Stream zip, string target)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            return Refused($"package: not a zip archive ({ex.Message})");
        }
        using (archive)
        {
            if (archive.Entries.Count > MaxEntries)
                return Refused($"package: {archive.Entries.Count} entries is more than the {MaxEntries} allowed");
            var manifests = archive.Entries.Where(e => e.Name == "plugin.json").Select(e => e.FullName.Replace('\\', '/')).ToList();
            var root = manifests.FirstOrDefault(m => m == "plugin.json")
                ?? manifests.FirstOrDefault(m => m.Count(c => c == '/') == 1);
            if (root is null) return Refused("package: no plugin.json at the root of the archive (or in one top folder)");
            var prefix = root[..^"plugin.json".Length];
            Directory.CreateDirectory(target);
            var fullTarget = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var relative = name[prefix.Length..];
                if (relative.Length == 0) continue;
                if (Path.IsPathRooted(relative) || relative.Split('/').Any(p => p == ".."))
                    return Refused($"package: entry '{name}' points outside the plugin folder");
                var destination = Path.GetFullPath(Path.Combine(target, relative));
                if (!destination.StartsWith(fullTarget, StringComparison.Ordinal))
                    return Refused($"package: entry '{name}' points outside the plugin folder");
                if (name.EndsWith('/'))
                {
                    Directory.CreateDirectory(destination);
                    continue;
                }
                total += entry.Length;
                if (total > MaxUnpackedBytes)
                    return Refused($"package: unpacks to more than {MaxUnpackedBytes / (1024 * 1024)} MiB");
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                try
                {
                    using var input = entry.Open();
                    using var output = File.Create(destination);
                    var copied = CopyLimited(input, output, MaxUnpackedBytes - (total - entry.Length));
                    if (copied < 0) return Refused($"package: entry '{name}' unpacks to more than it declares");
                }
                catch (NotSupportedException)
                {
                    // BZIP2, LZMA, Deflate64 with a bad header, encrypted entries...: a property of the upload, not a host failure.
                    return Refused($"package: entry '{name}' uses a compression method this appliance does not read (use Deflate or Stored)");
                }
                catch (InvalidDataException ex) when (ex.Message.Contains("not supported", StringComparison.OrdinalIgnoreCase))
                {
                    return Refused($"package: entry '{name}' uses a compression method this appliance does not read ({ex.Message} Use Deflate or Stored.)");
                }
                catch (InvalidDataException ex)
                {
                    return Refused($"package: entry '{name}' is corrupt ({ex.Message})");
                }
            }
            return target;
        }
    }

    private static Result<string> Refused(string message) => Result<string>.Fail("refused", message);

    private static long CopyLimited(Stream input, Stream output, long limit)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            copied += read;
            if (copied > limit) return -1;
            output.Write(buffer, 0, read);
        }
        return copied;
    }
}
