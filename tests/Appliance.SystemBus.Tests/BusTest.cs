using Appliance.SystemBus;
using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

/// <summary>A private bus per test and a client connection to it.</summary>
public abstract class BusTest : IAsyncLifetime
{
    protected PrivateBus Bus { get; private set; } = null!;

    protected BusConnection Connection { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        Bus = await PrivateBus.StartAsync();
        Connection = new BusConnection(new SystemBusOptions { Address = Bus.Address, CallTimeoutSeconds = 5, JobTimeoutSeconds = 5 });
        await StartPeersAsync();
    }

    protected abstract Task StartPeersAsync();

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Bus.DisposeAsync();
    }
}
