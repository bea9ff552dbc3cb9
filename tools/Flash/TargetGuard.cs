using Appliance.Abstractions;

namespace Appliance.Tools.Flash;

/// <summary>
/// Refuses targets that would destroy something in use: a device that is mounted (or whose disk has a mounted partition),
/// the disk the running system lives on (<c>/</c>, <c>/boot</c>, <c>/usr</c>, <c>/var</c>, <c>/boot/efi</c>), and the image itself.
/// Pure: the mount table and the partition-to-disk mapping are passed in.
/// </summary>
public static class TargetGuard
{
    private static readonly string[] SystemMountPoints = ["/", "/boot", "/boot/efi", "/usr", "/var"];

    /// <param name="wholeDisk">Maps a device path to its whole disk (<see cref="BlockDevices.WholeDisk"/>).</param>
    /// <param name="resolve">Resolves symlinks of a mount source (<c>/dev/disk/by-uuid/...</c>).</param>
    public static Result<FlashTarget> Check(FlashTarget target, string imagePath, IReadOnlyList<Mount> mounts,
        Func<string, string> wholeDisk, Func<string, string> resolve)
    {
        if (string.Equals(Path.GetFullPath(imagePath), target.Path, StringComparison.Ordinal))
            return Result<FlashTarget>.Fail("invalid", "the target is the image itself");
        if (!target.IsBlockDevice) return target;
        var disk = wholeDisk(target.Path);
        foreach (var m in mounts)
        {
            if (!m.Source.StartsWith('/')) continue;
            var source = resolve(m.Source);
            if (source != target.Path && wholeDisk(source) != disk && source != disk) continue;
            if (SystemMountPoints.Contains(m.MountPoint))
                return Result<FlashTarget>.Fail("system-disk", $"{target.Path} holds the running system ({source} is mounted on {m.MountPoint})");
            return Result<FlashTarget>.Fail("mounted", $"{target.Path} is in use: {source} is mounted on {m.MountPoint}; unmount it first");
        }
        return target;
    }

    /// <summary>Resolves symlinks of an existing path; other paths unchanged.</summary>
    public static string ResolveExisting(string path)
    {
        try
        {
            return File.Exists(path) ? new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path : path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
