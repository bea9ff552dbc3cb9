using System.Net;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Discovery;

/// <summary>
/// WS-Discovery over real multicast: the simulated camera's responder in namespace A, our client in namespace B,
/// joined by a veth pair with a multicast route; probes, answers, Hello and Bye all cross the wire.
/// </summary>
public sealed class WsDiscoveryMulticastTests : IDisposable
{
    private static readonly IPAddress Group = IPAddress.Parse(WsDiscoveryMessages.MulticastIPv4);
    private readonly NetworkNamespacePair _net = NetworkNamespacePair.Create();

    public void Dispose() => _net.Dispose();

    private SimulatorOptions Camera => new() { Name = "Lobby Cam", Hardware = "SimCam-100", Location = "Building 3", EndpointReference = "urn:uuid:6f2a9c1e-0000-4000-8000-000000000001" };

    private WsDiscoveryResponder Responder(SimulatorOptions options) =>
        new(NetworkNamespacePair.MulticastSocket(_net.NameA, 3702, Group), options, () => $"http://{_net.AddressA}:8080/onvif/device_service");

    private WsDiscoveryClient Client() =>
        new(NetworkNamespacePair.MulticastSocket(_net.NameB, 3702, Group), new IPEndPoint(Group, 3702));

    private static async Task<T> Next<T>(WsDiscoveryClient client, Func<T, bool>? where = null) where T : WsDiscoveryMessage
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var datagram = await client.ReceiveAsync(timeout.Token);
            if (datagram.Message.IsOk && datagram.Message.Value is T wanted && (where is null || where(wanted))) return wanted;
        }
    }

    [Fact]
    public async Task TypedProbeFindsTheCameraWithDecodedScopes()
    {
        var options = Camera;
        await using var responder = Responder(options);
        var client = Client();
        var id = await client.SendProbeAsync([WsDiscoveryMessages.NetworkVideoTransmitter], CancellationToken.None);
        var matches = await Next<ProbeMatches>(client, m => m.RelatesTo == id);
        var endpoint = DiscoveredEndpoint.FromTargetService(Assert.Single(matches.Matches), DateTimeOffset.UtcNow);
        Assert.Equal(options.EndpointReference, endpoint.Key);
        Assert.Equal("Lobby Cam", endpoint.Name);
        Assert.Equal("SimCam-100", endpoint.Hardware);
        Assert.Equal("Building 3", endpoint.Location);
        Assert.Equal([_net.AddressA], endpoint.IpAddresses);
        Assert.Equal([$"http://{_net.AddressA}:8080/onvif/device_service"], endpoint.Addresses);
    }

    [Fact]
    public async Task UntypedProbeIsAnsweredAndAForeignTypeIsNot()
    {
        await using var responder = Responder(Camera);
        var client = Client();
        await client.SendProbeAsync([XName.Get("Printer", "http://schemas.microsoft.com/windows/2006/08/wdp/print")], CancellationToken.None);
        var untyped = await client.SendProbeAsync([], CancellationToken.None);
        var matches = await Next<ProbeMatches>(client, m => m.RelatesTo == untyped);
        Assert.Single(matches.Matches);
        Assert.Equal(1, responder.ProbesIgnored);
        Assert.Equal(1, responder.ProbesAnswered);
    }

    [Fact]
    public async Task HelloAndByeArriveOnTheGroup()
    {
        var options = Camera;
        await using var responder = Responder(options);
        var client = Client();
        var receiveHello = Next<Hello>(client);
        await responder.SendHelloAsync();
        var hello = await receiveHello;
        Assert.Equal(options.EndpointReference, hello.Service.EndpointReference);
        var receiveBye = Next<Bye>(client);
        await responder.SendByeAsync();
        Assert.Equal(options.EndpointReference, (await receiveBye).EndpointReference);
    }

    [Fact]
    public async Task ProbeOverIPv6LinkLocalGroupFindsAnIPv6OnlyCamera()
    {
        var options = Camera;
        var ff02c = IPAddress.Parse(WsDiscoveryMessages.MulticastIPv6);
        var (cameraSocket, cameraGroup) = NetworkNamespacePair.MulticastSocket6(_net.NameA, _net.VethA, 3702, ff02c);
        await using var responder = new WsDiscoveryResponder(cameraSocket, options, () => $"http://[{_net.Address6A}]:8080/onvif/device_service", cameraGroup);
        var (socket, group) = NetworkNamespacePair.MulticastSocket6(_net.NameB, _net.VethB, 3702, ff02c);
        using var _ = socket;
        var client = new WsDiscoveryClient(socket, [group]);
        var id = await client.SendProbeAsync([WsDiscoveryMessages.NetworkVideoTransmitter], CancellationToken.None);
        var matches = await Next<ProbeMatches>(client, m => m.RelatesTo == id);
        var endpoint = DiscoveredEndpoint.FromTargetService(Assert.Single(matches.Matches), DateTimeOffset.UtcNow);
        Assert.Equal(options.EndpointReference, endpoint.Key);
        Assert.Equal([_net.Address6A], endpoint.IpAddresses);
        Assert.Equal([$"http://[{_net.Address6A}]:8080/onvif/device_service"], endpoint.Addresses);

        var receiveHello = Next<Hello>(client);
        await responder.SendHelloAsync();
        Assert.Equal(options.EndpointReference, (await receiveHello).Service.EndpointReference);
    }
}
