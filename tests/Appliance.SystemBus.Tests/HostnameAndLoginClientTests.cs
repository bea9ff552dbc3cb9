using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class HostnameAndLoginClientTests : BusTest
{
    protected override async Task StartPeersAsync()
    {
        await ApplianceMocks.StartHostnamedAsync(Bus, "appliance-0001");
        await ApplianceMocks.StartLogindAsync(Bus);
    }

    [Fact]
    public async Task Reads_and_sets_the_static_hostname()
    {
        var client = new HostnameClient(Connection);
        Assert.Equal(new HostnameState("appliance-0001", "appliance-0001"), (await client.GetAsync(Ct)).Value);

        Assert.True((await client.SetStaticHostnameAsync("gate-7", Ct)).IsOk);

        Assert.Equal("gate-7", (await client.GetAsync(Ct)).Value.StaticHostname);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData("has.dot")]
    [InlineData("under_score")]
    public async Task A_hostname_that_is_not_a_label_is_refused(string name)
    {
        var set = await new HostnameClient(Connection).SetStaticHostnameAsync(name, Ct);

        Assert.Equal(BusFailures.Invalid, set.Failure?.Code);
        Assert.Equal("appliance-0001", (await new HostnameClient(Connection).GetAsync(Ct)).Value.StaticHostname);
    }

    [Fact]
    public async Task Reboot_and_PowerOff_reach_logind_without_interaction()
    {
        var login = new LoginClient(Connection);

        Assert.True((await login.RebootAsync(Ct)).IsOk);
        Assert.True((await login.PowerOffAsync(Ct)).IsOk);

        Assert.Matches(@"a\(tav\) 1 \d+ 1 b false", (await Bus.MockAsync(LoginClient.Service, LoginClient.Path, "GetMethodCalls", "s", "Reboot")).Trim());
        Assert.Matches(@"a\(tav\) 1 \d+ 1 b false", (await Bus.MockAsync(LoginClient.Service, LoginClient.Path, "GetMethodCalls", "s", "PowerOff")).Trim());
    }
}
