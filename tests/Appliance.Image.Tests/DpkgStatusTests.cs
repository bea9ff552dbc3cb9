namespace Appliance.Image.Tests;

public sealed class DpkgStatusTests
{
    [Fact]
    public void Only_installed_packages_count_with_their_architecture()
    {
        const string status = "Package: nftables\nStatus: install ok installed\nArchitecture: arm64\nDescription: nft\n multi-line\n\n" +
                              "Package: old\nStatus: deinstall ok config-files\nArchitecture: arm64\n\n" +
                              "Package: tzdata\nStatus: install ok installed\nArchitecture: all\n";
        Assert.Equal([new InstalledPackage("nftables", "arm64"), new InstalledPackage("tzdata", "all")], DpkgStatus.Installed(status));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData("garbage without fields")]
    [InlineData("Status: install ok installed\nArchitecture: arm64\n")]
    [InlineData("Package: half\nStatus: install ok half-configured\n")]
    public void Broken_or_unfinished_stanzas_are_no_installed_package(string status) =>
        Assert.Empty(DpkgStatus.Installed(status));
}
