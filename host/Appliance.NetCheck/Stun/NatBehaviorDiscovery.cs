using System.Net;
using System.Net.Sockets;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Stun;

/// <summary>
/// RFC 5780 NAT behaviour discovery. Mapping (section 4.3): Test I to the primary address, Test II to the
/// alternate IP and primary port, Test III to the alternate IP and port, all from one socket. Filtering
/// (section 4.4): from a fresh socket (so no filter hole to the alternate address exists yet), Test I, then
/// Test II asking the server to answer from the alternate IP and port, then Test III from the alternate port only.
/// </summary>
public sealed class NatBehaviorDiscovery(ISocketFactory sockets, StunRetransmission retransmission)
{
    private readonly StunClient _client = new(retransmission);

    /// <summary>The behaviour, or why Test I failed (UDP to the STUN server blocked or unanswered: the transaction's failure).</summary>
    public async Task<Result<NatBehavior>> DiscoverAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var local = LocalAddressToward(server);
        using var mappingSocket = Bound(local);
        var localEndPoint = (IPEndPoint)mappingSocket.LocalEndPoint!;

        var test1 = await _client.BindAsync(mappingSocket, server, ChangeRequestFlags.None, cancellationToken).ConfigureAwait(false);
        if (!test1.TryGetValue(out var first, out var failure))
        {
            return failure;
        }

        if (first.AlgSuspected)
        {
            notes.Add("MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS: an ALG on the path rewrites addresses in payloads");
        }

        var mapping = await DiscoverMappingAsync(mappingSocket, server, localEndPoint, first, notes, cancellationToken).ConfigureAwait(false);
        var filtering = first.OtherAddress is null
            ? NatFilteringBehavior.Unknown
            : await DiscoverFilteringAsync(local, server, notes, cancellationToken).ConfigureAwait(false);
        return new NatBehavior(mapping, filtering, localEndPoint, first.MappedAddress, first.OtherAddress, first.RoundTrip, notes);
    }

    private async Task<NatMappingBehavior> DiscoverMappingAsync(Socket socket, IPEndPoint server, IPEndPoint local, StunBindingResponse first,
        List<string> notes, CancellationToken cancellationToken)
    {
        if (first.MappedAddress.Equals(local))
        {
            return NatMappingBehavior.NoNat;
        }

        if (first.OtherAddress is not { } other)
        {
            notes.Add("the STUN server sent no OTHER-ADDRESS (no RFC 5780 support): mapping and filtering behaviour unknown");
            return NatMappingBehavior.Unknown;
        }

        var test2 = await _client.BindAsync(socket, new IPEndPoint(other.Address, server.Port), ChangeRequestFlags.None, cancellationToken).ConfigureAwait(false);
        if (!test2.TryGetValue(out var second, out var failure2))
        {
            notes.Add($"mapping Test II to the alternate address failed: {failure2.Message}");
            return NatMappingBehavior.Unknown;
        }

        if (second.MappedAddress.Equals(first.MappedAddress))
        {
            return NatMappingBehavior.EndpointIndependent;
        }

        var test3 = await _client.BindAsync(socket, other, ChangeRequestFlags.None, cancellationToken).ConfigureAwait(false);
        if (!test3.TryGetValue(out var third, out var failure3))
        {
            notes.Add($"mapping Test III to the alternate address and port failed: {failure3.Message}");
            return NatMappingBehavior.Unknown;
        }

        return third.MappedAddress.Equals(second.MappedAddress)
            ? NatMappingBehavior.AddressDependent
            : NatMappingBehavior.AddressAndPortDependent;
    }

    private async Task<NatFilteringBehavior> DiscoverFilteringAsync(IPAddress local, IPEndPoint server, List<string> notes,
        CancellationToken cancellationToken)
    {
        using var socket = Bound(local);
        var test1 = await _client.BindAsync(socket, server, ChangeRequestFlags.None, cancellationToken).ConfigureAwait(false);
        if (!test1.IsOk)
        {
            notes.Add($"filtering Test I failed: {test1.Failure!.Message}");
            return NatFilteringBehavior.Unknown;
        }

        var test2 = await _client.BindAsync(socket, server, ChangeRequestFlags.ChangeIp | ChangeRequestFlags.ChangePort, cancellationToken).ConfigureAwait(false);
        if (test2.IsOk)
        {
            return NatFilteringBehavior.EndpointIndependent;
        }

        if (test2.Failure!.Code != StunClient.NoResponseCode)
        {
            notes.Add($"filtering Test II got an unusable answer: {test2.Failure.Message}");
            return NatFilteringBehavior.Unknown;
        }

        var test3 = await _client.BindAsync(socket, server, ChangeRequestFlags.ChangePort, cancellationToken).ConfigureAwait(false);
        if (test3.IsOk)
        {
            return NatFilteringBehavior.AddressDependent;
        }

        if (test3.Failure!.Code != StunClient.NoResponseCode)
        {
            notes.Add($"filtering Test III got an unusable answer: {test3.Failure.Message}");
            return NatFilteringBehavior.Unknown;
        }

        return NatFilteringBehavior.AddressAndPortDependent;
    }

    /// <summary>The local IP the kernel would use toward the server (a connected UDP socket sends nothing).</summary>
    private IPAddress LocalAddressToward(IPEndPoint server)
    {
        using var probe = sockets.Create(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(server);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }

    private Socket Bound(IPAddress local)
    {
        var socket = sockets.Create(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(local, 0));
        return socket;
    }
}
