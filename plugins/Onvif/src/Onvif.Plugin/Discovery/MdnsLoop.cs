using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Mdns;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// mDNS / DNS-SD on UDP 5353: per round a PTR browse for the camera service types, then SRV/TXT/A/AAAA follow-up queries
/// until instances resolve; resolved instances go to the shared discovery table. Bad datagrams are logged and counted.
/// </summary>
public sealed class MdnsLoop(DiscoveryService discovery, Func<Socket> bindSocket, IPluginLogger log, IHealthReporter health, TimeProvider time)
{
    public const string HealthComponent = "discovery/mdns";

    private static readonly IPEndPoint Group = new(IPAddress.Parse(MdnsClient.MulticastIPv4), MdnsClient.Port);
    private readonly DnsSdBrowser _browser = new(DnsSdBrowser.CameraServiceTypes);
    private readonly SemaphoreSlim _browserLock = new(1, 1);
    private long _badDatagrams;
    private DateTimeOffset _lastResolveQuery = DateTimeOffset.MinValue;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = TimeSpan.FromSeconds(5);
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = bindSocket();
            }
            catch (Exception ex) when (ex is SocketException or InvalidOperationException)
            {
                health.Report(HealthComponent, HealthState.Unhealthy, $"cannot bind UDP {MdnsClient.Port}: {ex.Message}");
                log.Error(ex, "mdns: cannot bind UDP {Port}; retrying in {Seconds}s", MdnsClient.Port, retry.TotalSeconds);
                await Task.Delay(retry, time, cancellationToken).ConfigureAwait(false);
                retry = TimeSpan.FromSeconds(Math.Min(retry.TotalSeconds * 2, discovery.Interval.TotalSeconds));
                continue;
            }
            using (socket)
            {
                health.Report(HealthComponent, HealthState.Healthy, "listening on UDP 5353 (224.0.0.251)");
                var client = new MdnsClient(socket, Group);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var receive = ReceiveAsync(client, stop.Token);
                var browse = BrowseAsync(client, stop.Token);
                await Task.WhenAny(receive, browse).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                try { await Task.WhenAll(receive, browse).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private async Task BrowseAsync(MdnsClient client, CancellationToken cancellationToken)
    {
        await foreach (var reason in discovery.Rounds().ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await SendAsync(client, _browser.BrowseQuery(), cancellationToken).ConfigureAwait(false);
            log.Debug("mdns: browse query sent ({Reason})", reason);
        }
    }

    private async Task SendAsync(MdnsClient client, DnsMessage query, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            health.Report(HealthComponent, HealthState.Degraded, $"cannot send query: {ex.Message}");
            log.Warn("mdns: cannot send query to {Group}: {Error}", Group, ex.Message);
        }
    }

    private async Task ReceiveAsync(MdnsClient client, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            MdnsDatagram datagram;
            try
            {
                datagram = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                log.Warn("mdns: receive failed: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (!datagram.Message.TryGetValue(out var message, out var error))
            {
                Bad(datagram.From, error);
                continue;
            }
            if (!message.IsResponse) continue;
            var now = time.GetUtcNow();
            IReadOnlyList<string> removed;
            IReadOnlyList<DnsSdServiceInstance> resolved;
            DnsMessage? followUp = null;
            await _browserLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                removed = _browser.Apply(message, now);
                resolved = _browser.Resolved();
                if (now - _lastResolveQuery > TimeSpan.FromSeconds(1) && _browser.ResolveQuery() is { } query)
                {
                    followUp = query;
                    _lastResolveQuery = now;
                }
            }
            finally { _browserLock.Release(); }
            foreach (var name in removed)
                await discovery.RemoveAsync(DiscoveredEndpoint.MdnsSource, name, cancellationToken).ConfigureAwait(false);
            foreach (var instance in resolved)
                await discovery.UpsertAsync(instance.ToEndpoint(), cancellationToken).ConfigureAwait(false);
            if (followUp is not null) await SendAsync(client, followUp, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Bad(IPEndPoint from, ProtocolError error)
    {
        var count = Interlocked.Increment(ref _badDatagrams);
        health.Report(HealthComponent, HealthState.Degraded, $"{count} unreadable datagram(s); last from {from}: {error}");
        if (count <= 10 || count % 100 == 0)
            log.Warn("mdns: unreadable datagram from {From} ({Count} so far): {Error}", from, count, error.ToString());
    }
}
