using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>SNTP against a real chronyd on loopback (-x: it never touches the clock).</summary>
public sealed class NtpOffsetCheckTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Chrony _chrony = null!;

    public async Task InitializeAsync() => _chrony = await Chrony.StartAsync(_dir.Path);

    public Task DisposeAsync()
    {
        _chrony.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private NtpOffsetCheck Check(TimeProvider clock)
        => new(new HostPort("127.0.0.1", _chrony.EndPoint.Port), new SystemResolver(), new DefaultSocketFactory(), clock,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    /// <summary>chronyd may answer its very first requests before it serves; poll the real server until it does.</summary>
    private async Task<CheckResult> FirstAnswerAsync(TimeProvider clock)
    {
        CheckResult? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = await Run.CheckAsync(Check(clock));
            return last.Status != CheckStatus.Fail;
        }, "chronyd answering", diagnostics: () => last?.Detail ?? "no result");
        return last!;
    }

    [Fact]
    public async Task Synchronised_clock_passes_with_offset_and_delay()
    {
        var result = await FirstAnswerAsync(TimeProvider.System);
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("stratum", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.LatencyMs);
    }

    [Fact]
    public async Task Skewed_local_clock_warns()
    {
        var result = await FirstAnswerAsync(new SkewedClock(TimeSpan.FromSeconds(-42)));
        Assert.Equal(CheckStatus.Warn, result.Status);
        // The local clock is 42 s behind, so the server is 42 s ahead: offset about +42000 ms (loopback delay is tiny).
        var offset = double.Parse(System.Text.RegularExpressions.Regex.Match(result.Detail, @"offset ([+-][0-9.]+) ms").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(offset, 41_000, 43_000);
        Assert.Contains($"UDP {_chrony.EndPoint.Port}", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_ntp_server_fails_naming_udp_port()
    {
        await FirstAnswerAsync(TimeProvider.System);
        _chrony.Stop();
        var result = await Run.CheckAsync(Check(TimeProvider.System));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.StartsWith($"Allow outbound UDP {_chrony.EndPoint.Port} (NTP) to 127.0.0.1", result.Remediation, StringComparison.Ordinal);
    }
}
