using Appliance.Tools.Flash;

namespace Appliance.Flash.Tests;

public sealed class GuardTests
{
    private static readonly string FakeTable = string.Join('\n',
        "/dev/vdz2 / ext4 rw,relatime 0 0",
        "proc /proc proc rw 0 0",
        "/dev/vdz1 /boot/efi vfat rw 0 0",
        "/dev/sdq1 /media/my\\040stick vfat rw 0 0",
        "tmpfs /tmp tmpfs rw 0 0");

    private static string WholeDisk(string device) =>
        device.StartsWith("/dev/sd", StringComparison.Ordinal) || device.StartsWith("/dev/vd", StringComparison.Ordinal)
            ? device.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')
            : device;

    private static Appliance.Abstractions.Result<FlashTarget> Check(string device) =>
        TargetGuard.Check(new FlashTarget(device, true, 1L << 34), "/tmp/x.img", MountTable.Parse(FakeTable), WholeDisk, p => p);

    [Fact]
    public void Mount_table_unescapes_spaces()
    {
        var mounts = MountTable.Parse(FakeTable);
        Assert.Contains(new Mount("/dev/sdq1", "/media/my stick"), mounts);
        Assert.Equal(5, mounts.Count);
    }

    [Theory]
    [InlineData("/dev/sdq", "mounted")]
    [InlineData("/dev/sdq1", "mounted")]
    [InlineData("/dev/vdz", "system-disk")]
    [InlineData("/dev/vdz1", "system-disk")]
    public void Mounted_and_system_disks_are_refused(string device, string code)
    {
        var result = Check(device);
        Assert.False(result.IsOk);
        Assert.Equal(code, result.Failure!.Code);
    }

    [Fact]
    public void The_root_device_is_seen_as_a_block_device()
    {
        var root = MountTable.ReadSystem().Last(m => m.MountPoint == "/");
        if (!root.Source.StartsWith("/dev/", StringComparison.Ordinal) || !File.Exists(root.Source)) return;
        Assert.Equal(FileKind.BlockDevice, FileKinds.Of(root.Source));
        Assert.Equal(FileKind.Regular, FileKinds.Of("/etc/hostname"));
        Assert.Equal(FileKind.Other, FileKinds.Of("/dev/null"));
    }

    [Fact]
    public void A_device_that_is_not_a_block_device_is_refused() =>
        Assert.Equal("invalid", FlashTarget.Inspect("/dev/null").Failure!.Code);

    [Fact]
    public void A_swap_device_is_in_use()
    {
        var swaps = MountTable.ParseSwaps("Filename\tType\tSize\tUsed\tPriority\n/dev/sdr2 partition 1024 0 -2\n");
        var result = TargetGuard.Check(new FlashTarget("/dev/sdr", true, 1L << 34), "/tmp/x.img", swaps, WholeDisk, p => p);
        Assert.Equal("mounted", result.Failure!.Code);
        Assert.Contains("[swap]", result.Failure.Message);
    }

    [Fact]
    public void An_unmounted_disk_is_fine() => Assert.True(Check("/dev/sdr").IsOk);

    [Fact]
    public void The_image_itself_is_refused()
    {
        var result = TargetGuard.Check(new FlashTarget("/tmp/x.img", false, 1 << 30), "/tmp/x.img", [], d => d, p => p);
        Assert.Equal("invalid", result.Failure!.Code);
    }

    /// <summary>The disk this machine runs from, as the kernel's own mount table names it, is refused.</summary>
    [Fact]
    public void The_running_systems_disk_is_refused_with_the_real_mount_table()
    {
        var mounts = MountTable.ReadSystem();
        var root = mounts.Last(m => m.MountPoint == "/");
        Assert.NotNull(root);
        if (!root.Source.StartsWith("/dev/", StringComparison.Ordinal)) return; // a container's overlay root: no device to refuse
        var device = TargetGuard.ResolveExisting(root.Source);
        foreach (var candidate in new[] { device, BlockDevices.WholeDisk(device) })
        {
            var result = TargetGuard.Check(new FlashTarget(candidate, true, 1L << 40), "/tmp/x.img", mounts, BlockDevices.WholeDisk, TargetGuard.ResolveExisting);
            Assert.False(result.IsOk, candidate);
            Assert.Equal("system-disk", result.Failure!.Code);
        }
    }

    /// <summary>
    /// End to end on the real root device: refused before anything is opened for writing. Three guards, so a broken
    /// refusal can never write to this machine's disk: the refusal, no confirmation (no --yes, no input), and a
    /// flasher whose opener throws. (An earlier version took a block device for a regular file and skipped both
    /// checks; only the sandbox's EPERM stopped the open.)
    /// </summary>
    [Fact]
    public async Task The_command_refuses_the_root_device()
    {
        var root = MountTable.ReadSystem().Last(m => m.MountPoint == "/");
        if (!root.Source.StartsWith("/dev/", StringComparison.Ordinal) || !File.Exists(root.Source)) return;
        var image = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(image, new byte[4096]);
            var err = new StringWriter();
            var command = new FlashCommand(err, true)
            {
                Flasher = new ImageFlasher { OpenForWrite = t => throw new InvalidOperationException("test must never open " + t.Path) },
            };
            var code = await command.RunAsync(image, root.Source, null, assumeYes: false, verify: true, confirmIn: null, CancellationToken.None);
            Assert.Equal(1, code);
            Assert.Contains("system-disk", err.ToString());
        }
        finally
        {
            File.Delete(image);
        }
    }
}
