using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// The receiving half both discovery loops (WS-Discovery, mDNS) share: reads datagrams until cancelled, waits a second
/// after a socket error, skips IPv4-mapped senders on the IPv6 socket (the IPv4 socket has them), and counts what cannot
/// be read into the loop's health (Degraded, with the last sender and reason; logged for the first ten, then every
/// hundredth). Each readable message goes to the loop's handler.
/// </summary>
public sealed class DatagramReceiver(string protocol, string healthComponent, IPluginLogger log, IHealthReporter health, TimeProvider time)
{
    private long _unreadable;

    /// <param name="receive">the socket's next datagram: its sender and its message, or why it could not be read.</param>
    public async Task RunAsync<T>(Func<CancellationToken, Task<(IPEndPoint From, Result<T> Message)>> receive, bool ipv6,
        Func<T, IPEndPoint, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            (IPEndPoint From, Result<T> Message) datagram;
            try
            {
                datagram = await receive(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                log.Warn("{Protocol}: receive failed: {Error}", protocol, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (ipv6 && datagram.From.Address.IsIPv4MappedToIPv6) continue;
            if (!datagram.Message.TryGetValue(out var message, out var error))
            {
                Unreadable(datagram.From, error);
                continue;
            }
            await handle(message, datagram.From, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A datagram (or a part of one) that cannot be used: counted into health and logged sparingly.</summary>
    public void Unreadable(IPEndPoint from, Failure error)
    {
        var count = Interlocked.Increment(ref _unreadable);
        health.Report(healthComponent, HealthState.Degraded, $"{count} unreadable datagram(s); last from {from}: {error}");
        if (count <= 10 || count % 100 == 0)
            log.Warn("{Protocol}: unreadable datagram from {From} ({Count} so far): {Error}", protocol, from, count, error.ToString());
    }
}
