using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Appliance.Image.Tests;

/// <summary>
/// The arm64 root file system that ./build.sh image --arch arm64 built (out/image/appliance-rootfs-arm64.tar.zst):
/// arm64 executables, the layout of the amd64 image, no secrets, only allowed packages. Skipped when not built.
/// </summary>
[Trait("Category", BuiltArm64Rootfs.Category)]
public sealed class BuiltArm64RootfsTests(BuiltArm64Rootfs rootfs, ITestOutputHelper output) : IClassFixture<BuiltArm64Rootfs>
{
    private const string Appliance = "usr/lib/appliance";

    /// <summary>Every file below a folder, symbolic links left out (absolute ones point into this machine, not the image).</summary>
    private static readonly EnumerationOptions FilesOnly = new() { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };

    [BuiltArm64RootfsFact]
    public void The_host_its_native_libraries_and_the_plugins_native_libraries_are_aarch64()
    {
        var host = rootfs.Combine(Appliance, "host");
        Assert.Equal(Elf.AArch64, Elf.Machine(Path.Combine(host, "Appliance.Host")));
        Assert.Equal(Elf.AArch64, Elf.Machine(Path.Combine(host, "Appliance.PluginHost")));
        var native = Directory.GetFiles(host, "*.so", FilesOnly);
        Assert.Contains(native, f => Path.GetFileName(f) == "libcoreclr.so");
        Assert.All(native, f => Assert.True(Elf.Machine(f) == Elf.AArch64, $"{f}: e_machine {Elf.Machine(f)}"));
        // Plugins are built without a runtime identifier: their native libraries for linux-arm64 must be there.
        var pluginNative = Directory.GetFiles(rootfs.Combine(Appliance, "plugins"), "*.so", FilesOnly)
            .Where(f => f.Contains("/runtimes/linux-arm64/", StringComparison.Ordinal)).ToList();
        Assert.All(pluginNative, f => Assert.Equal(Elf.AArch64, Elf.Machine(f)));
        // Debian's own programs are arm64 too (debootstrap --arch=arm64).
        Assert.Equal(Elf.AArch64, Elf.Machine(rootfs.Combine("usr", "sbin", "nft")));
        output.WriteLine($"aarch64: 2 host executables, {native.Length} host libraries, {pluginNative.Count} plugin libraries");
    }

    [BuiltArm64RootfsFact]
    public void Host_assemblies_are_ready_to_run_for_linux_arm64()
    {
        // A ReadyToRun image's PE machine is the target's, XORed with the target OS (Linux: 0x7B79).
        const ushort linuxArm64ReadyToRun = 0xAA64 ^ 0x7B79;
        Assert.Equal(linuxArm64ReadyToRun, PeMachine(rootfs.Combine(Appliance, "host", "Appliance.Host.dll")));
    }

    private static ushort PeMachine(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        reader.BaseStream.Position = 0x3C;
        reader.BaseStream.Position = reader.ReadInt32() + 4;
        return reader.ReadUInt16();
    }

    [BuiltArm64RootfsFact]
    public void Layout_is_the_images_host_plugins_units_configuration_and_rauc_for_jetson()
    {
        foreach (var plugin in Directory.GetFiles(Path.Combine(ImageFiles.Root, "plugins"), "plugin.json", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)!).EndsWith(".Plugin", StringComparison.Ordinal)))
        {
            var id = Regex.Match(File.ReadAllText(plugin), "\"id\"\\s*:\\s*\"([^\"]+)\"").Groups[1].Value;
            Assert.True(File.Exists(rootfs.Combine(Appliance, "plugins", id, "plugin.json")), $"plugin {id} is not in {Appliance}/plugins");
        }
        foreach (var file in Directory.GetFiles(ImageFiles.RootFs, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(ImageFiles.RootFs, file);
            Assert.True(File.ReadAllBytes(file).SequenceEqual(File.ReadAllBytes(rootfs.Combine(relative))), $"{relative} differs from image/rootfs");
        }
        Assert.Equal(File.ReadAllText(Path.Combine(ImageFiles.Image, "arm64", "system.conf")), File.ReadAllText(rootfs.Combine("etc", "rauc", "system.conf")));
        Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(rootfs.Combine("etc", "rauc", "keyring.pem")));
        Assert.True(File.Exists(rootfs.Combine("etc", "systemd", "system", "multi-user.target.wants", "appliance.service")), "appliance.service is not enabled");
        Assert.NotEmpty(File.ReadAllText(rootfs.Combine(Appliance, "image-version")).Trim());
        var fstab = File.ReadAllText(rootfs.Combine("etc", "fstab"));
        Assert.Contains("PARTLABEL=data  /data", fstab);
        Assert.DoesNotContain("/boot/efi", fstab);
        // No kernel: L4T's apply_binaries.sh brings the board's.
        Assert.Empty(Directory.GetFiles(rootfs.Combine("boot"), "vmlinuz*"));
    }

    [BuiltArm64RootfsFact]
    public void Nothing_per_device_or_secret_is_in_the_root_file_system()
    {
        Assert.Equal(0, new FileInfo(rootfs.Combine("etc", "machine-id")).Length);
        Assert.False(File.Exists(rootfs.Combine("var", "lib", "dbus", "machine-id")));
        Assert.False(File.Exists(rootfs.Combine("var", "lib", "systemd", "random-seed")));
        Assert.Empty(Directory.GetFileSystemEntries(rootfs.Combine("var", "lib", "appliance")));
        string[] keyNames = ["*.key", "*.pfx", "*.p12", "ssh_host_*", "secret.key"];
        var privateKey = new Regex("-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----");
        var found = new[] { "etc", Appliance, "var/lib", "root" }
            .SelectMany(d => Directory.GetFiles(rootfs.Combine(d), "*", FilesOnly))
            .Where(f => new FileInfo(f) is var info
                        && (keyNames.Any(n => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(n, info.Name))
                            || (info.Length < 1 << 20 && privateKey.IsMatch(File.ReadAllText(f)))))
            .Select(f => Path.GetRelativePath(rootfs.Root, f))
            .ToList();
        Assert.True(found.Count == 0, "secrets: " + string.Join(", ", found));
        // root has no password: locked ("!" before the hash field's content).
        var shadowRoot = File.ReadLines(rootfs.Combine("etc", "shadow")).Single(l => l.StartsWith("root:", StringComparison.Ordinal));
        Assert.StartsWith("!", shadowRoot.Split(':')[1], StringComparison.Ordinal);
    }

    [BuiltArm64RootfsFact]
    public void Every_installed_package_is_arm64_and_allowed_and_every_listed_one_is_installed()
    {
        var installed = DpkgStatus.Installed(File.ReadAllText(rootfs.Combine("var", "lib", "dpkg", "status")));
        var rules = PackageRules.FromImage();
        var refused = installed.Where(p => !rules.Allowed(p.Name)).Select(p => p.Name).ToList();
        Assert.True(refused.Count == 0, "not allowed: " + string.Join(", ", refused));
        var foreign = installed.Where(p => p.Architecture is not ("arm64" or "all")).Select(p => $"{p.Name}:{p.Architecture}").ToList();
        Assert.True(foreign.Count == 0, "not arm64: " + string.Join(", ", foreign));
        var names = installed.Select(p => p.Name).ToHashSet();
        Assert.All(PackageRules.Listed("arm64"), p => Assert.Contains(p, names));
        output.WriteLine($"{installed.Count} packages installed, all allowed");
    }

    [BuiltArm64RootfsFact]
    public void The_data_partition_holds_the_hosts_state_folder_and_the_images_configuration()
    {
        // out/image/data-arm64.ext4, read with debugfs (no mount): appliance/state and appliance/config owned by the
        // host's user of the root file system, the configuration the image's /etc/appliance holds.
        var data = Path.Combine(Path.GetDirectoryName(BuiltArm64Rootfs.Tarball)!, "data-arm64.ext4");
        var uid = File.ReadLines(rootfs.Combine("etc", "passwd")).Select(l => l.Split(':')).Single(f => f[0] == "appliance")[2];
        var (code, listing, err) = ImageFiles.Run("debugfs", ["-R", "ls -l /appliance", data]);
        Assert.True(code == 0, err);
        var entries = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 5).ToDictionary(f => f[^1], f => (Mode: f[1], Owner: f[3]));
        Assert.Equal(("40750", uid), entries["state"]);
        Assert.Equal(uid, entries["config"].Owner);
        var (_, config, _) = ImageFiles.Run("debugfs", ["-R", "cat /appliance/config/appliance.json", data]);
        Assert.Equal(File.ReadAllText(Path.Combine(ImageFiles.RootFs, "etc", "appliance", "appliance.json")), config);
    }

    [BuiltArm64RootfsUnderQemuFact]
    public void The_published_plugin_host_starts_in_the_root_file_system_under_qemu()
    {
        // Without its arguments the plugin host prints its usage and exits 2: the runtime, the ReadyToRun code and
        // the program ran on (emulated) arm64 against the image's own libraries. The runtime reads /proc (memory,
        // CPUs; without it: "Failed to create CoreCLR, HRESULT: 0x8007000E"), mounted in a mount namespace of its own.
        const string script = "mount -t proc proc \"$1/proc\" && mount -t sysfs sysfs \"$1/sys\" && exec chroot \"$1\" \"$2\"";
        var (code, stdout, stderr) = ImageFiles.Run(
            "unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", rootfs.Root, $"/{Appliance}/host/Appliance.PluginHost"],
            timeoutSeconds: 300);
        output.WriteLine($"exit {code}: {stdout}{stderr}");
        Assert.Equal(2, code);
        Assert.Contains("usage: Appliance.PluginHost --socket PATH", stderr);
    }
}
