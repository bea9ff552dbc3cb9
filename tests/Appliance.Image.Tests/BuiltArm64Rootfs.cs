namespace Appliance.Image.Tests;

/// <summary>
/// out/image/appliance-rootfs-arm64.tar.zst as ./build.sh image --arch arm64 left it, unpacked once (as root, owners
/// kept) into a temporary folder for <see cref="BuiltArm64RootfsTests"/>; the tests are skipped when it was not built.
/// </summary>
public sealed class BuiltArm64Rootfs : IDisposable
{
    /// <summary>The tests' category: <c>./build.sh image --arch arm64</c> runs them on what it built; <c>./build.sh test</c> leaves them out.</summary>
    public const string Category = "BuiltArm64Rootfs";

    public static string Tarball => Path.Combine(ImageFiles.Root, "out", "image", "appliance-rootfs-arm64.tar.zst");

    private readonly Lazy<string> _root = new(Unpack);

    /// <summary>The unpacked root file system.</summary>
    public string Root => _root.Value;

    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Unpack()
    {
        var dir = Directory.CreateTempSubdirectory("appliance-arm64-rootfs-").FullName;
        var (code, _, err) = ImageFiles.Run("tar", ["-I", "zstd", "--numeric-owner", "-xpf", Tarball, "-C", dir], timeoutSeconds: 600);
        if (code != 0) throw new InvalidOperationException($"tar -x {Tarball}: exit {code}: {err}");
        return dir;
    }

    public void Dispose()
    {
        if (_root.IsValueCreated) Directory.Delete(_root.Value, recursive: true);
    }
}

/// <summary>A test of the built arm64 root file system: skipped when out/image/appliance-rootfs-arm64.tar.zst is absent.</summary>
public sealed class BuiltArm64RootfsFactAttribute : FactAttribute
{
    public BuiltArm64RootfsFactAttribute()
    {
        if (!File.Exists(BuiltArm64Rootfs.Tarball)) Skip = "no arm64 root file system built (./build.sh image --arch arm64)";
    }
}

/// <summary>As <see cref="BuiltArm64RootfsFactAttribute"/>, and this machine must run arm64 programs (binfmt_misc, qemu-aarch64).</summary>
public sealed class BuiltArm64RootfsUnderQemuFactAttribute : FactAttribute
{
    public BuiltArm64RootfsUnderQemuFactAttribute()
    {
        if (!File.Exists(BuiltArm64Rootfs.Tarball)) Skip = "no arm64 root file system built (./build.sh image --arch arm64)";
        else if (!File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64")) Skip = "qemu-aarch64 is not registered with binfmt_misc";
        else if (Environment.UserName != "root") Skip = "chroot needs root";
    }
}
