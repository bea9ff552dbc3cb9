using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// Binds a discovery loop's required IPv4 multicast socket; on failure reports it in health and the log, waits
/// (5 s, doubling up to <paramref name="cap"/>) and lets the loop try again. Shared by the WS-Discovery and mDNS loops.
/// </summary>
internal sealed class BindRetry(string name, int port, string healthComponent, TimeSpan cap, IPluginLogger log, IHealthReporter health, TimeProvider time)
{
    private TimeSpan _delay = TimeSpan.FromSeconds(5);

    /// <summary>The bound socket, or null after a failed attempt and its back-off delay.</summary>
    public async Task<MulticastBinding?> TryBindAsync(Func<MulticastBinding> bind, CancellationToken cancellationToken)
    {
        try
        {
            return bind();
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            health.Report(healthComponent, HealthState.Unhealthy, $"cannot bind UDP {port}: {ex.Message}");
            log.Error(ex, name + ": cannot bind UDP {Port}; retrying in {Seconds}s", port, _delay.TotalSeconds);
            await Task.Delay(_delay, time, cancellationToken).ConfigureAwait(false);
            _delay = TimeSpan.FromSeconds(Math.Min(_delay.TotalSeconds * 2, cap.TotalSeconds));
            return null;
        }
    }
}
