using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class TimedateClientTests : BusTest
{
    protected override Task StartPeersAsync() => ApplianceMocks.StartTimedatedAsync(Bus, "Europe/Berlin");

    [Fact]
    public async Task Reads_the_time_zone_and_sync_state()
    {
        var state = await new TimedateClient(Connection).GetStateAsync(Ct);

        Assert.True(state.IsOk, state.ToString());
        Assert.Equal(new TimeState("Europe/Berlin", true, true, true), state.Value);
    }

    [Fact]
    public async Task SetNtp_and_SetTimezone_change_what_busctl_reads()
    {
        var client = new TimedateClient(Connection);

        Assert.True((await client.SetNtpAsync(false, Ct)).IsOk);
        Assert.True((await client.SetTimezoneAsync("America/New_York", Ct)).IsOk);

        Assert.Equal("b false", (await Bus.BusctlOrThrowAsync("get-property", TimedateClient.Service, TimedateClient.Path, TimedateClient.Interface, "NTP")).Trim());
        Assert.Equal("s \"America/New_York\"", (await Bus.BusctlOrThrowAsync("get-property", TimedateClient.Service, TimedateClient.Path, TimedateClient.Interface, "Timezone")).Trim());
        var state = await client.GetStateAsync(Ct);
        Assert.False(state.Value.NtpEnabled);
        Assert.False(state.Value.NtpSynchronized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Europe/Berlin; reboot")]
    public async Task A_time_zone_that_is_not_a_name_is_refused(string zone)
    {
        var set = await new TimedateClient(Connection).SetTimezoneAsync(zone, Ct);

        Assert.Equal(BusFailures.Invalid, set.Failure?.Code);
    }
}

/// <summary>timedated answering with the wrong types: a bare object whose properties a test chooses.</summary>
public sealed class TimedateBadReplyTests : BusTest
{
    protected override async Task StartPeersAsync()
    {
        await Bus.StartObjectAsync(TimedateClient.Service, TimedateClient.Path, TimedateClient.Interface);
        await Bus.MockAsync(TimedateClient.Service, TimedateClient.Path, "AddProperties", "sa{sv}", TimedateClient.Interface, "3",
            "Timezone", "s", "Etc/UTC", "NTP", "s", "yes", "NTPSynchronized", "b", "true");
    }

    [Fact]
    public async Task A_property_of_the_wrong_type_is_a_malformed_failure_naming_it_and_both_types()
    {
        var state = await new TimedateClient(Connection).GetStateAsync(Ct);

        Assert.False(state.IsOk);
        Assert.Equal(BusFailures.Malformed, state.Failure!.Code);
        Assert.Contains("property NTP is a String, expected a boolean", state.Failure.Message);
    }

    [Fact]
    public async Task A_method_the_service_lacks_is_a_dbus_error_failure()
    {
        var set = await new TimedateClient(Connection).SetNtpAsync(true, Ct);

        Assert.False(set.IsOk);
        Assert.Equal(BusFailures.DBusError, set.Failure!.Code);
        Assert.Contains("SetNTP", set.Failure.Message);
    }
}
