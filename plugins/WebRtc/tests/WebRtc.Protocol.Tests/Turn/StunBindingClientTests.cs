using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Turn;

/// <summary>Server-reflexive address discovery (RFC 8489 Binding) against coturn as a STUN server, and against servers that misbehave.</summary>
public sealed class StunBindingClientTests
{
    [Fact]
    public async Task Coturn_reports_the_address_the_socket_is_seen_from()
    {
        using var stun = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Loopback));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var mapped = await StunBindingClient.MappedAddressAsync(socket, stun.Primary, TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.True(mapped.IsOk, $"{mapped.Failure}\n{stun.Log()}");
        Assert.Equal(socket.LocalEndPoint, mapped.Value);
    }

    [Fact]
    public async Task Silence_error_and_answers_without_an_address_fail_clearly()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var silent = new HostileTurnServer(_ => []);
        Assert.Equal("timeout", (await StunBindingClient.MappedAddressAsync(socket, silent.EndPoint, TimeSpan.FromSeconds(1), CancellationToken.None)).Failure?.Code);

        using var refusing = new HostileTurnServer(r => [new StunMessageBuilder(StunMessageType.BindingError, r.TransactionId).AddErrorCode(400, "Bad Request").Build()]);
        var refused = await StunBindingClient.MappedAddressAsync(socket, refusing.EndPoint, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal("refused", refused.Failure?.Code);
        Assert.Contains("400", refused.Failure!.Message);

        using var empty = new HostileTurnServer(r => [new StunMessageBuilder(StunMessageType.BindingSuccess, r.TransactionId).Build()]);
        Assert.Equal("malformed", (await StunBindingClient.MappedAddressAsync(socket, empty.EndPoint, TimeSpan.FromSeconds(1), CancellationToken.None)).Failure?.Code);

        // An answer for another transaction is not ours: ignored until the deadline.
        using var other = new HostileTurnServer(_ => [new StunMessageBuilder(StunMessageType.BindingSuccess, StunMessageBuilder.NewTransactionId())
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 1)).Build()]);
        var ignored = await StunBindingClient.MappedAddressAsync(socket, other.EndPoint, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal("timeout", ignored.Failure?.Code);
        Assert.Contains("ignored", ignored.Failure!.Message);
    }
}
