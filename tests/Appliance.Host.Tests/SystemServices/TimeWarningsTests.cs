using Appliance.Abstractions;
using Appliance.Host.SystemServices;
using Appliance.SystemBus;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>When the clock is a health warning (the SNTP measurement itself is tested against chronyd in NetCheck.Tests).</summary>
public sealed class TimeWarningsTests
{
    private static readonly Result<TimeState> Synced = new TimeState("Etc/UTC", true, true, true);

    [Fact]
    public void A_synchronised_clock_close_to_the_server_has_no_warning() =>
        Assert.Empty(TimeSyncService.Warnings(Synced, new ClockOffset("ntp.example", 0.8, null), 60));

    [Theory]
    [InlineData(300, "off by +300 s from ntp.example")]
    [InlineData(-125, "off by -125 s from ntp.example")]
    public void A_clock_off_by_minutes_is_a_warning_even_when_timedated_says_synchronised(double offset, string text) =>
        Assert.Contains(text, Assert.Single(TimeSyncService.Warnings(Synced, new ClockOffset("ntp.example", offset, null), 60)));

    [Fact]
    public void A_probe_without_an_answer_is_no_warning_by_itself() =>
        Assert.Empty(TimeSyncService.Warnings(Synced, new ClockOffset("ntp.example", null, "no NTP response"), 60));

    [Fact]
    public void Ntp_off_not_synchronised_or_timedated_away_are_warnings()
    {
        Assert.Contains("NTP) is off", Assert.Single(TimeSyncService.Warnings(new TimeState("Etc/UTC", false, false, true), null, 60)));
        Assert.Contains("not synchronised", Assert.Single(TimeSyncService.Warnings(new TimeState("Etc/UTC", true, false, true), null, 60)));
        Assert.Contains("timedated: ", Assert.Single(TimeSyncService.Warnings(Result<TimeState>.Fail(BusFailures.Unavailable, "org.freedesktop.timedate1 is not on the bus"), null, 60)));
    }
}
