using System.Net.Sockets;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Stun;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>A host and port (STUN server, NTP server, proxy).</summary>
public sealed record HostPort(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>
/// STUN Binding to the configured server (UDP 3478), then RFC 5780 NAT behaviour discovery and the OpenEye verdict:
/// "peer-to-peer video will work" or "relay needed".
/// </summary>
public sealed class StunNatCheck(HostPort server, INameResolver resolver, ISocketFactory sockets, StunRetransmission retransmission) : INetworkCheck
{
    public string Name => CheckNames.Stun;

    public string Target => server.ToString();

    public string TimeoutRemediation =>
        $"Allow outbound UDP {server.Port} to {server.Host}; without it video falls back to the relay (TCP 443).";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        System.Net.IPEndPoint endPoint;
        try
        {
            var addresses = await resolver.ResolveAsync(server.Host, cancellationToken).ConfigureAwait(false);
            endPoint = new System.Net.IPEndPoint(addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First(), server.Port);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"{server.Host} does not resolve: {ex.Message}",
                $"Make {server.Host} resolvable (DNS, UDP/TCP 53) and allow outbound UDP {server.Port} to it; until then video uses the relay (TCP 443).");
        }

        Result<NatBehavior> outcome;
        try
        {
            outcome = await new NatBehaviorDiscovery(sockets, retransmission).DiscoverAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            outcome = new Failure("unreachable", $"UDP to {endPoint} failed: {ex.SocketErrorCode}");
        }

        var (verdict, reason) = PeerToPeerRules.Judge(outcome);
        if (!outcome.TryGetValue(out var behavior, out _))
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"relay needed: {reason}", TimeoutRemediation);
        }

        var latency = behavior.FirstRoundTrip.TotalMilliseconds;
        var facts = $"mapped {behavior.LocalAddress} -> {behavior.MappedAddress}; mapping {PeerToPeerRules.Describe(behavior.Mapping)}, filtering {PeerToPeerRules.Describe(behavior.Filtering)}"
                    + (behavior.Notes.Count > 0 ? "; " + string.Join("; ", behavior.Notes) : string.Empty);
        return verdict switch
        {
            PeerToPeerVerdict.PeerToPeerWillWork => new CheckResult(Name, Target, CheckStatus.Pass, latency,
                $"peer-to-peer video will work ({reason}); {facts}", null),
            PeerToPeerVerdict.RelayNeeded => new CheckResult(Name, Target, CheckStatus.Warn, latency,
                $"relay needed: {reason}; {facts}",
                "Configure the NAT for endpoint-independent mapping of outbound UDP 1024-65535 (no per-destination port randomisation); until then video uses the relay (TCP 443)."),
            PeerToPeerVerdict.DependsOnViewer => new CheckResult(Name, Target, CheckStatus.Warn, latency,
                $"peer-to-peer video depends on the viewer's network: {reason}; {facts}",
                "Allow all outbound UDP 1024-65535 with stateful return traffic from any address (endpoint-independent filtering); otherwise video may use the relay (TCP 443)."),
            _ => new CheckResult(Name, Target, CheckStatus.Warn, latency,
                $"peer-to-peer outlook undetermined: {reason}; {facts}",
                $"Use a STUN server with RFC 5780 support (two IP addresses) on UDP {server.Port} to classify the NAT; video falls back to the relay (TCP 443) if P2P fails."),
        };
    }
}
