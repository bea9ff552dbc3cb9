using Appliance.Abstractions;

namespace Appliance.Tools.Flash;

/// <summary>Where an image goes: a block device (fixed capacity) or a regular file (created or replaced).</summary>
public sealed record FlashTarget(string Path, bool IsBlockDevice, long Capacity)
{
    /// <summary>
    /// Looks at <paramref name="path"/> (symlinks such as <c>/dev/disk/by-id/...</c> resolved): a block device's capacity
    /// comes from sysfs; a file's is its current length plus the free space of its file system.
    /// </summary>
    public static Result<FlashTarget> Inspect(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var resolved = File.Exists(full) ? ResolveLinks(full) : full;
        if (Directory.Exists(resolved)) return Result<FlashTarget>.Fail("invalid", $"{path} is a directory");
        if (BlockDevices.IsBlockDevice(resolved))
        {
            var size = BlockDevices.SizeBytes(resolved);
            if (size is null) return Result<FlashTarget>.Fail("unavailable", $"cannot read the size of {resolved} from /sys/class/block");
            return new FlashTarget(resolved, true, size.Value);
        }
        if (File.Exists(resolved) && FileKinds.Of(resolved) != FileKind.Regular)
            return Result<FlashTarget>.Fail("invalid", $"{path} is neither a block device nor a regular file");
        if (resolved.StartsWith("/dev/", StringComparison.Ordinal))
            return Result<FlashTarget>.Fail("invalid", $"{path} is not a block device");
        var dir = System.IO.Path.GetDirectoryName(resolved)!;
        if (!Directory.Exists(dir)) return Result<FlashTarget>.Fail("not-found", $"the folder of {path} does not exist");
        var existing = File.Exists(resolved) ? new FileInfo(resolved).Length : 0;
        return new FlashTarget(resolved, false, existing + new DriveInfo(dir).AvailableFreeSpace);
    }

    private static string ResolveLinks(string path)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }
}

/// <summary>Block devices through sysfs: whether a path is one, its size, the whole disk a partition belongs to.</summary>
public static class BlockDevices
{
    public static bool IsBlockDevice(string path) => FileKinds.Of(path) == FileKind.BlockDevice;

    public static long? SizeBytes(string device)
    {
        var file = System.IO.Path.Combine("/sys/class/block", System.IO.Path.GetFileName(device), "size");
        return File.Exists(file) && long.TryParse(File.ReadAllText(file).Trim(), out var sectors) ? sectors * 512 : null;
    }

    /// <summary>The whole disk of a device path (<c>/dev/sda1</c> to <c>/dev/sda</c>); the path itself when it is a disk or unknown.</summary>
    public static string WholeDisk(string device)
    {
        var name = System.IO.Path.GetFileName(device);
        var sys = System.IO.Path.Combine("/sys/class/block", name);
        if (!File.Exists(System.IO.Path.Combine(sys, "partition"))) return device;
        var parent = new DirectoryInfo(sys).ResolveLinkTarget(true)?.FullName ?? new DirectoryInfo(sys).FullName;
        var disk = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(parent)!);
        return "/dev/" + disk;
    }
}

public enum FileKind
{
    Missing,
    Regular,
    Directory,
    BlockDevice,
    Other,
}

/// <summary>
/// The file type from stat(2) (st_mode): .NET's FileAttributes do not tell a block device from a regular file.
/// glibc's struct stat: st_mode at offset 24 on x86-64, 16 on arm64 (the generic layout).
/// </summary>
public static class FileKinds
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "stat")]
    private static extern int Stat(string path, byte[] buffer);

    public static FileKind Of(string path)
    {
        var offset = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => 24,
            System.Runtime.InteropServices.Architecture.Arm64 => 16,
            var other => throw new PlatformNotSupportedException($"stat layout of {other} unknown"),
        };
        var buffer = new byte[256];
        if (Stat(path, buffer) != 0) return FileKind.Missing;
        var mode = BitConverter.ToUInt32(buffer, offset) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
    }
}
