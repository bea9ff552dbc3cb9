using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Appliance.Plugins.WebRtc.Protocol.Turn;

namespace Appliance.Plugins.WebRtc.Protocol.Ice;

/// <summary>What gathering found: candidates to announce, the TURN allocations behind the relay ones, and what did not work.</summary>
public sealed record GatheredCandidates(IReadOnlyList<LocalCandidate> Candidates, IReadOnlyList<TurnClient> Relays, IReadOnlyList<string> Problems);

/// <summary>
/// Gathers the appliance's server-reflexive and relayed candidates (RFC 8445 5.1.1) from the configured ICE
/// servers for one session's media socket: a STUN Binding from that socket per STUN server (srflx), a TURN
/// allocation per TURN server (relay) with permissions for the viewer's announced addresses. A server that does
/// not answer in time or refuses is left out and named in <see cref="GatheredCandidates.Problems"/>; host
/// candidates still work.
/// </summary>
public static class CandidateGatherer
{
    public static async Task<GatheredCandidates> GatherAsync(
        Socket hostSocket,
        IReadOnlyList<IceServer> servers,
        IReadOnlyCollection<IPAddress> viewerAddresses,
        TimeProvider time,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var candidates = new List<LocalCandidate>();
        var relays = new List<TurnClient>();
        var problems = new List<string>();
        var hostEndPoint = (IPEndPoint)hostSocket.LocalEndPoint!;
        var turns = servers.Where(s => s.Kind == IceServerKind.Turn).Select(async server =>
        {
            var endPoint = await ResolveAsync(server, AddressFamily.InterNetwork, cancellationToken);
            if (!endPoint.TryGetValue(out var ep, out var failure)) return Result<TurnClient>.Fail(failure);
            var allocated = await TurnClient.AllocateAsync(server, ep, time, cancellationToken, timeout);
            if (!allocated.TryGetValue(out var client, out failure)) return failure;
            if (viewerAddresses.Count > 0 && !(await client.CreatePermissionAsync(viewerAddresses, cancellationToken)).TryGetValue(out _, out failure))
            {
                await client.DisposeAsync();
                return failure;
            }
            return client;
        }).ToList();

        var preference = 65535;
        foreach (var server in servers.Where(s => s.Kind == IceServerKind.Stun))
        {
            var endPoint = await ResolveAsync(server, hostEndPoint.AddressFamily, cancellationToken);
            if (!endPoint.TryGetValue(out var ep, out var failure)) { problems.Add(failure.Message); continue; }
            var mapped = await StunBindingClient.MappedAddressAsync(hostSocket, ep, timeout, cancellationToken);
            if (!mapped.TryGetValue(out var address, out failure)) { problems.Add(failure.Message); continue; }
            if (candidates.Any(c => c.EndPoint.Equals(address))) continue;
            candidates.Add(new LocalCandidate(address, "srflx", LocalCandidate.PriorityFor(100, preference--)));
        }

        preference = 65535;
        foreach (var turn in turns)
        {
            var result = await turn;
            if (!result.TryGetValue(out var client, out var failure)) { problems.Add(failure.Message); continue; }
            relays.Add(client);
            // RFC 8445 5.1.2.2: relayed candidates get type preference 0; TLS below TCP below UDP.
            var transportPreference = client.Server.Transport switch { TurnTransport.Udp => 0, TurnTransport.Tcp => 1, _ => 2 };
            candidates.Add(new LocalCandidate(client.RelayedAddress, "relay", LocalCandidate.PriorityFor(0, preference-- - transportPreference * 1024)));
        }
        return new GatheredCandidates(candidates, relays, problems);
    }

    private static async Task<Result<IPEndPoint>> ResolveAsync(IceServer server, AddressFamily preferred, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(server.Host, out var literal)) return new IPEndPoint(literal, server.Port);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(server.Host, cancellationToken);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == preferred) ?? addresses.FirstOrDefault();
            return address is null ? Result<IPEndPoint>.Fail("dns", $"{server}: the name has no address") : new IPEndPoint(address, server.Port);
        }
        catch (SocketException ex)
        {
            return Result<IPEndPoint>.Fail("dns", $"{server}: {ex.Message}");
        }
    }
}
