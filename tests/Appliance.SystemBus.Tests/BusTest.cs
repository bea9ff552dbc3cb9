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

    /// <summary>Ends peers that are not dbusmock services of <see cref="Bus"/> (those end with it).</summary>
    protected virtual Task StopPeersAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await StopPeersAsync();
        await Connection.DisposeAsync();
        await Bus.DisposeAsync();
    }
}
