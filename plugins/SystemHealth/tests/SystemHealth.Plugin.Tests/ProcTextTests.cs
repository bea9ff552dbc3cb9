namespace Appliance.Plugins.SystemHealth.Tests;

/// <summary>/proc text as the kernel writes it, and as it must never crash us when it is not.</summary>
public sealed class ProcTextTests
{
    // A real first line of /proc/stat (Linux 6.x: user nice system idle iowait irq softirq steal guest guest_nice).
    private const string Stat = "cpu  4705 356 584 3699176 23060 0 277 0 0 0\ncpu0 1393 279 293 925020 5814 0 183 0 0 0\nintr 114930548\n";

    private const string MemInfo = "MemTotal:       24540292 kB\nMemFree:        21911820 kB\nMemAvailable:   23263808 kB\nBuffers:          118772 kB\n";

    [Fact]
    public void Cpu_busy_and_total_come_from_the_aggregate_line()
    {
        var (busy, total) = ProcText.ParseCpu(Stat)!.Value;
        Assert.Equal(4705 + 356 + 584 + 3699176 + 23060 + 277, total);
        Assert.Equal(total - 3699176 - 23060, busy);
    }

    [Fact]
    public void Memory_total_and_available_are_bytes()
    {
        var (total, available) = ProcText.ParseMemory(MemInfo)!.Value;
        Assert.Equal(24540292L * 1024, total);
        Assert.Equal(23263808L * 1024, available);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpu ")]
    [InlineData("cpu  1 2 3")]
    [InlineData("cpu  1 2 x 4")]
    [InlineData("cpu  -1 2 3 4")]
    [InlineData("cpu  99999999999999999999999 2 3 4")]
    [InlineData("intr 1 2 3 4\n")]
    [InlineData("\0\0\0\0")]
    public void Malformed_stat_is_refused_not_thrown(string text) => Assert.Null(ProcText.ParseCpu(text));

    [Theory]
    [InlineData("")]
    [InlineData("MemTotal: 100 kB\n")]
    [InlineData("MemAvailable: 100 kB\n")]
    [InlineData("MemTotal: 100 kB\nMemAvailable: 200 kB\n")]
    [InlineData("MemTotal: lots kB\nMemAvailable: 1 kB\n")]
    [InlineData("MemTotal:\nMemAvailable:\n")]
    public void Malformed_meminfo_is_refused_not_thrown(string text) => Assert.Null(ProcText.ParseMemory(text));

    [Fact]
    public void A_huge_hostile_file_is_handled()
    {
        var text = string.Concat(Enumerable.Repeat("cpu0 1 2 3 4\n", 200_000)) + "garbage";
        Assert.Null(ProcText.ParseCpu(text));
    }

    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"));
        var parsed = Appliance.Core.Manifest.ManifestFacade.Parse(json);
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        Assert.Equal("appliance.system-health", parsed.Value.Id);
        Assert.Empty(parsed.Value.Network);
        Assert.Null(Appliance.Core.Manifest.ManifestFacade.CheckHostApi(parsed.Value, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }
}
