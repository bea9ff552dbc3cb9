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
/// IPv4 (224.0.0.251) is required; IPv6 (ff02::fb on every multicast interface) is added when it can be bound. Answers of
/// both families feed one DNS-SD browser, so an instance is one entry whichever family brought its records.
/// </summary>
public sealed class MdnsLoop(DiscoveryService discovery, Func<MulticastBinding> bindIPv4, Func<MulticastBinding>? bindIPv6,
    IPluginLogger log, IHealthReporter health, TimeProvider time)
{
    public const string HealthComponent = "discovery/mdns";

    private readonly DnsSdBrowser _browser = new(DnsSdBrowser.CameraServiceTypes);
    private readonly SemaphoreSlim _browserLock = new(1, 1);
    private readonly DatagramReceiver _receiver = new("mdns", HealthComponent, log, health, time);
    private DateTimeOffset _lastResolveQuery = DateTimeOffset.MinValue;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = new BindRetry("mdns", MdnsClient.Port, HealthComponent, discovery.Interval, log, health, time);
        while (!cancellationToken.IsCancellationRequested)
        {
            var ipv4 = await retry.TryBindAsync(bindIPv4, cancellationToken).ConfigureAwait(false);
            if (ipv4 is null) continue;
            var ipv6Bound = DualStack.TryBind(bindIPv6, "mdns", log);
            var ipv6 = ipv6Bound.IsOk ? ipv6Bound.Value : null;
            using (ipv4)
            using (ipv6)
            {
                health.Report(HealthComponent, HealthState.Healthy, $"listening on UDP 5353 ({DualStack.Describe(ipv4, ipv6Bound)})");
                var bindings = new[] { ipv4, ipv6 }.OfType<MulticastBinding>().ToList();
                var clients = bindings.Select(b => new MdnsClient(b.Socket, b.Groups)).ToList();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var tasks = bindings.Select((b, i) => ReceiveAsync(clients[i], b.IsIPv6, clients, stop.Token))
                    .Append(BrowseAsync(clients, stop.Token)).ToList();
                await Task.WhenAny(tasks).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                foreach (var task in tasks)
                {
                    try { await task.ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                }
            }
        }
    }

    private async Task BrowseAsync(IReadOnlyList<MdnsClient> clients, CancellationToken cancellationToken)
    {
        await foreach (var reason in discovery.Rounds().ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await SendAsync(clients, _browser.BrowseQuery(), cancellationToken).ConfigureAwait(false);
            log.Debug("mdns: browse query sent ({Reason})", reason);
        }
    }

    private async Task SendAsync(IReadOnlyList<MdnsClient> clients, DnsMessage query, CancellationToken cancellationToken)
    {
        foreach (var client in clients)
        {
            try
            {
                await client.SendAsync(query, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                health.Report(HealthComponent, HealthState.Degraded, $"cannot send query: {ex.Message}");
                log.Warn("mdns: cannot send query to {Group}: {Error}", client.MulticastGroups[0], ex.Message);
            }
        }
    }

    private Task ReceiveAsync(MdnsClient client, bool ipv6, IReadOnlyList<MdnsClient> clients, CancellationToken cancellationToken) =>
        _receiver.RunAsync(async ct =>
        {
            var datagram = await client.ReceiveAsync(ct).ConfigureAwait(false);
            return (datagram.From, datagram.Message);
        }, ipv6, (message, _, ct) => HandleAsync(message, clients, ct), cancellationToken);

    private async Task HandleAsync(DnsMessage message, IReadOnlyList<MdnsClient> clients, CancellationToken cancellationToken)
    {
        if (!message.IsResponse) return;
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
        if (followUp is not null) await SendAsync(clients, followUp, cancellationToken).ConfigureAwait(false);
    }
}
