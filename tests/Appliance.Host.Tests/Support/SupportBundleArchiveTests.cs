using System.Text.Json;
using Appliance.Host.Support;
using Appliance.Testing;

namespace Appliance.Host.Tests.Support;

/// <summary>The bundle's archive: every part as a file, each capped, and a manifest of what is in it.</summary>
public sealed class SupportBundleArchiveTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 10, 30, 5, TimeSpan.Zero);

    [Fact]
    public void A_part_over_the_cap_is_cut_and_the_manifest_says_so()
    {
        var big = new byte[SupportBundleArchive.MaxPartBytes + 10];
        Array.Fill(big, (byte)'x');
        var files = TarGzFiles.Read(SupportBundleArchive.Write([SupportBundleArchive.Text("README.txt", "hello"), new("logs/host.log", big)], At));

        Assert.Equal(["README.txt", "logs/host.log", "manifest.json"], files.Keys);
        Assert.Equal("hello"u8.ToArray(), files["README.txt"]);
        Assert.Equal(SupportBundleArchive.MaxPartBytes, files["logs/host.log"].Length);
        var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(5, manifest[0].GetProperty("bytes").GetInt64());
        Assert.False(manifest[0].GetProperty("truncated").GetBoolean());
        Assert.Equal(SupportBundleArchive.MaxPartBytes, manifest[1].GetProperty("bytes").GetInt64());
        Assert.Equal(big.Length, manifest[1].GetProperty("originalBytes").GetInt64());
        Assert.True(manifest[1].GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void An_empty_bundle_still_has_its_manifest() =>
        Assert.Equal(["manifest.json"], TarGzFiles.Read(SupportBundleArchive.Write([], At)).Keys);

    [Theory]
    [InlineData("appliance-01", "appliance-support-appliance-01-20261204T103005Z.tar.gz")]
    [InlineData("box.example", "appliance-support-box.example-20261204T103005Z.tar.gz")]
    [InlineData("we ird/..\\name\"", "appliance-support-we-ird-..-name--20261204T103005Z.tar.gz")]
    [InlineData("", "appliance-support-appliance-20261204T103005Z.tar.gz")]
    public void The_file_name_holds_the_host_and_utc_time_and_nothing_that_breaks_a_header_or_path(string host, string expected) =>
        Assert.Equal(expected, SupportBundleBuilder.FileName(host, At.ToOffset(TimeSpan.FromHours(2))));
}
