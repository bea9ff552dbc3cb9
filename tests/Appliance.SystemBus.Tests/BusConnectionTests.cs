using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class BusConnectionTests : BusTest
{
    protected override async Task StartPeersAsync()
    {
        await Bus.StartObjectAsync(LoginClient.Service, LoginClient.Path, LoginClient.Interface);
        await Bus.MockAsync(LoginClient.Service, LoginClient.Path, "AddMethod", "sssss", LoginClient.Interface, "Reboot", "b", "", "import time; time.sleep(3)");
    }

    [Fact]
    public async Task A_service_that_is_not_on_the_bus_is_unavailable()
    {
        var state = await new TimedateClient(Connection).GetStateAsync(Ct);

        Assert.Equal(BusFailures.Unavailable, state.Failure?.Code);
        Assert.Contains("org.freedesktop.timedate1", state.Failure!.Message);
    }

    [Fact]
    public async Task A_reply_later_than_the_call_timeout_is_a_timeout_failure()
    {
        await using var impatient = new BusConnection(new SystemBusOptions { Address = Bus.Address, CallTimeoutSeconds = 0.5 });

        var reboot = await new LoginClient(impatient).RebootAsync(Ct);

        Assert.Equal(BusFailures.Timeout, reboot.Failure?.Code);
    }

    [Fact]
    public async Task A_bus_that_is_not_there_is_a_transport_failure()
    {
        await using var nowhere = new BusConnection(new SystemBusOptions { Address = $"unix:path={Path.GetTempPath()}/no-such-bus-{Guid.NewGuid():N}", CallTimeoutSeconds = 2 });

        var state = await new TimedateClient(nowhere).GetStateAsync(Ct);

        Assert.Equal(BusFailures.Transport, state.Failure?.Code);
    }

    [Fact]
    public async Task A_bus_that_goes_away_after_connecting_is_a_transport_failure()
    {
        await using var second = await PrivateBus.StartAsync();
        await ApplianceMocks.StartTimedatedAsync(second);
        await using var connection = new BusConnection(new SystemBusOptions { Address = second.Address, CallTimeoutSeconds = 2 });
        Assert.True((await new TimedateClient(connection).GetStateAsync(Ct)).IsOk);

        await second.DisposeAsync();
        var broken = await new TimedateClient(connection).GetStateAsync(Ct);

        Assert.Equal(BusFailures.Transport, broken.Failure?.Code);
    }
}
