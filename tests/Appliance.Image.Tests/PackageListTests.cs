namespace Appliance.Image.Tests;

/// <summary>image/packages.sh: what image/packages.list installs per architecture (build-image.sh's list and cache key).</summary>
public sealed class PackageListTests
{
    private static readonly string Script = Path.Combine(ImageFiles.Image, "packages.sh");

    [Fact]
    public void Arm64_gets_the_common_packages_but_not_the_amd64_kernel_and_bootloader()
    {
        var arm64 = PackageRules.Listed("arm64");
        var amd64 = PackageRules.Listed("amd64");
        string[] common = ["systemd", "nftables", "rauc", "libgpiod2", "libavcodec59", "systemd-timesyncd", "polkitd"];
        Assert.All(common, p => Assert.Contains(p, arm64));
        Assert.All(common, p => Assert.Contains(p, amd64));
        string[] amd64Only = ["linux-image-amd64", "initramfs-tools", "grub-common"];
        Assert.All(amd64Only, p => Assert.Contains(p, amd64));
        Assert.All(amd64Only, p => Assert.DoesNotContain(p, arm64));
        Assert.Equal(amd64.Except(amd64Only), arm64);
    }

    [Fact]
    public void A_tag_limits_a_line_to_its_architecture()
    {
        var list = WriteList("# comment\nbase\nonly-arm [arm64] # trailing\nonly-x86 [amd64]\n\n");
        try
        {
            Assert.Equal(["base", "only-arm"], Run("arm64", list).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(["base", "only-x86"], Run("amd64", list).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(list);
        }
    }

    [Theory]
    [InlineData("fine\nbad [arm]\n", "line 2: bad [arm]")]
    [InlineData("fine\nbad arm64\n", "line 2: bad arm64")]
    [InlineData("bad [amd64] [arm64]\n", "line 1: bad [amd64] [arm64]")]
    public void A_line_with_an_unknown_tag_fails_and_is_named(string content, string message)
    {
        var list = WriteList(content);
        try
        {
            var (code, _, err) = Run("arm64", list);
            Assert.NotEqual(0, code);
            Assert.Contains(message, err);
        }
        finally
        {
            File.Delete(list);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("armhf")]
    [InlineData("x86_64")]
    public void An_unknown_architecture_is_refused(string arch)
    {
        var (code, stdout, err) = Run(arch, Path.Combine(ImageFiles.Image, "packages.list"));
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("amd64 or arm64", err);
    }

    private static (int Code, string Out, string Err) Run(string arch, string list) => ImageFiles.Run(Script, [arch, list]);

    private static string WriteList(string content)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, content);
        return path;
    }
}
