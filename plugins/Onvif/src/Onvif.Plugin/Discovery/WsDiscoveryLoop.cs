using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// WS-Discovery on UDP 3702: per round a typed Probe (<c>dn:NetworkVideoTransmitter</c>) and an untyped one (devices that
/// answer to no type), and a receive loop for ProbeMatches, Hello and Bye. Bad datagrams are logged and counted, never fatal.
/// IPv4 (239.255.255.250) is required; IPv6 (ff02::c on every multicast interface) is added when it can be bound, and a
/// device seen over both families is one entry (keyed by endpoint reference).
/// The same sockets and receive loop serve the appliance's own target service when the ONVIF facade runs
/// (<paramref name="target"/>): Hello when bound, ProbeMatches to Probes that select it, Bye before the sockets close;
/// the appliance's own announcements are not recorded as a discovered device. Without <paramref name="probe"/> the loop
/// only answers (camera discovery off, facade on).
/// </summary>
public sealed class WsDiscoveryLoop(DiscoveryService discovery, Func<MulticastBinding> bindIPv4, Func<MulticastBinding>? bindIPv6,
    IPluginLogger log, IHealthReporter health, TimeProvider time, IWsDiscoveryTarget? target = null, bool probe = true,
    Func<IReadOnlySet<int>>? ipv6Interfaces = null)
{
    /// <summary>How often the interfaces are looked at: an IPv6 interface that came up since the sockets were bound makes them bind again (and join it).</summary>
    public static readonly TimeSpan InterfaceCheck = TimeSpan.FromSeconds(5);

    public const string HealthComponent = "discovery/ws-discovery";

    private readonly DatagramReceiver _receiver = new("ws-discovery", HealthComponent, log, health, time);
    private readonly ResolveBudget _resolves = new(time);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = new BindRetry("ws-discovery", WsDiscoveryMessages.Port, HealthComponent, discovery.Interval, log, health, time);
        while (!cancellationToken.IsCancellationRequested)
        {
            var ipv4 = await retry.TryBindAsync(bindIPv4, cancellationToken).ConfigureAwait(false);
            if (ipv4 is null) continue;
            var ipv6Bound = DualStack.TryBind(bindIPv6, "ws-discovery", log);
            var ipv6 = ipv6Bound.IsOk ? ipv6Bound.Value : null;
            using (ipv4)
            using (ipv6)
            {
                health.Report(HealthComponent, HealthState.Healthy, $"listening on UDP 3702 ({DualStack.Describe(ipv4, ipv6Bound)})");
                var clients = new[] { ipv4, ipv6 }.OfType<MulticastBinding>().Select(b => (Binding: b, Client: new WsDiscoveryClient(b.Socket, b.Groups))).ToList();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await AnnounceAsync(clients.Select(c => c.Client), t => t.Hello(), cancellationToken).ConfigureAwait(false);
                var tasks = clients.Select(c => ReceiveAsync(c.Client, c.Binding.IsIPv6, stop.Token))
                    .Append(probe ? ProbeAsync(clients.Select(c => c.Client).ToList(), stop.Token) : Task.Delay(Timeout.Infinite, stop.Token))
                    .Append(WatchInterfacesAsync(ipv6?.InterfaceIndexes ?? new HashSet<int>(), stop.Token)).ToList();
                await Task.WhenAny(tasks).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(tasks.Select(Quietly)).ConfigureAwait(false);
                using var byeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await AnnounceAsync(clients.Select(c => c.Client), t => t.Bye(), byeTimeout.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Returns when an IPv6 interface that is not joined qualifies (the caller then binds again); never without <c>ipv6Interfaces</c>.</summary>
    private async Task WatchInterfacesAsync(IReadOnlySet<int> joined, CancellationToken cancellationToken)
    {
        if (ipv6Interfaces is null || bindIPv6 is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return;
        }
        while (true)
        {
            await Task.Delay(InterfaceCheck, time, cancellationToken).ConfigureAwait(false);
            IReadOnlySet<int> now;
            try { now = ipv6Interfaces(); }
            catch (Exception ex) when (ex is System.Net.NetworkInformation.NetworkInformationException or InvalidOperationException) { continue; }
            if (now.Except(joined).Any())
            {
                log.Info("ws-discovery: IPv6 interface(s) {Indexes} came up; binding again to join them", string.Join(',', now.Except(joined)));
                // A receive loop ends the inner run when this returns; treat it as the signal to rebind.
                return;
            }
        }
    }

    /// <summary>Hello or Bye of the appliance's target service to every group (best effort: a send failure is logged).</summary>
    private async Task AnnounceAsync(IEnumerable<WsDiscoveryClient> clients, Func<IWsDiscoveryTarget, byte[]> message, CancellationToken cancellationToken)
    {
        if (target is null) return;
        foreach (var client in clients)
        {
            try { await client.SendToGroupsAsync(message(target), cancellationToken).ConfigureAwait(false); }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                log.Warn("ws-discovery: cannot announce the appliance to {Group}: {Error}", client.MulticastGroup, ex.Message);
            }
        }
    }

    private async Task ProbeAsync(IReadOnlyList<WsDiscoveryClient> clients, CancellationToken cancellationToken)
    {
        var rounds = discovery.Rounds();
        await foreach (var reason in rounds.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var client in clients)
            {
                try
                {
                    await client.SendProbeAsync([WsDiscoveryMessages.NetworkVideoTransmitter], cancellationToken).ConfigureAwait(false);
                    await client.SendProbeAsync(Array.Empty<XName>(), cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    health.Report(HealthComponent, HealthState.Degraded, $"cannot send Probe: {ex.Message}");
                    log.Warn("ws-discovery: cannot send Probe to {Group}: {Error}", client.MulticastGroup, ex.Message);
                }
            }
            log.Debug("ws-discovery: probes sent ({Reason})", reason);
            await discovery.ExpireAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task ReceiveAsync(WsDiscoveryClient client, bool ipv6, CancellationToken cancellationToken) =>
        _receiver.RunAsync(async ct =>
        {
            var datagram = await client.ReceiveAsync(ct).ConfigureAwait(false);
            return (datagram.From, datagram.Message);
        }, ipv6, (message, from, ct) => HandleAsync(client, message, from, ct), cancellationToken);

    private async Task HandleAsync(WsDiscoveryClient client, WsDiscoveryMessage message, IPEndPoint from, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (target is not null && IsOwn(message)) return;
        switch (message)
        {
            case Probe probed when target is not null:
                if (target.Answer(probed) is { } answer)
                {
                    try { await client.SendToAsync(answer, from, cancellationToken).ConfigureAwait(false); }
                    catch (SocketException ex) { log.Warn("ws-discovery: cannot answer a Probe from {From}: {Error}", from, ex.Message); }
                }
                break;
            case ProbeMatches matches:
                foreach (var problem in matches.Problems) _receiver.Unreadable(from, problem);
                foreach (var match in matches.Matches)
                    await FoundAsync(client, match, from, now, cancellationToken).ConfigureAwait(false);
                break;
            case ResolveMatches resolved:
                foreach (var problem in resolved.Problems) _receiver.Unreadable(from, problem);
                foreach (var match in resolved.Matches)
                    await FoundAsync(client, match, from, now, cancellationToken).ConfigureAwait(false);
                break;
            case Hello hello:
                await FoundAsync(client, hello.Service, from, now, cancellationToken).ConfigureAwait(false);
                break;
            case Bye bye:
                await discovery.RemoveAsync(DiscoveredEndpoint.WsDiscoverySource, bye.EndpointReference, cancellationToken, from.Address).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A device with XAddrs is recorded; one without is asked for them with a Resolve to the groups (within the budget).</summary>
    private async Task FoundAsync(WsDiscoveryClient client, TargetService service, IPEndPoint from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!service.NeedsResolve)
        {
            await discovery.UpsertAsync(DiscoveredEndpoint.FromTargetService(service, now) with { Sender = from.Address }, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!_resolves.TryTake(service.EndpointReference)) return;
        try
        {
            await client.SendToGroupsAsync(WsDiscoveryMessages.Resolve(WsDiscoveryMessages.NewMessageId(), service.EndpointReference), cancellationToken).ConfigureAwait(false);
            log.Debug("ws-discovery: {Reference} announced without XAddrs; Resolve sent", service.EndpointReference);
        }
        catch (SocketException ex)
        {
            log.Warn("ws-discovery: cannot send Resolve for {Reference}: {Error}", service.EndpointReference, ex.Message);
        }
    }

    private bool IsOwn(WsDiscoveryMessage message) => message switch
    {
        Hello h => h.Service.EndpointReference == target!.EndpointReference,
        Bye b => b.EndpointReference == target!.EndpointReference,
        ProbeMatches m => m.Matches.Any(x => x.EndpointReference == target!.EndpointReference),
        ResolveMatches r => r.Matches.Any(x => x.EndpointReference == target!.EndpointReference),
        _ => false,
    };

    private static async Task Quietly(Task task)
    {
        try { await task.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
