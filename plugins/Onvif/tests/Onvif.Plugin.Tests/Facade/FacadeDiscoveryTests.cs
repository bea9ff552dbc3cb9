using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// WS-Discovery of the appliance over real multicast: the plugin (facade on, camera probing off) runs in namespace B (its
/// UDP and TCP sockets are made there and it sees B's interfaces), the clients in namespace A: a raw multicast socket
/// that sees Hello and Bye, and the npm clients <c>onvif</c> and <c>node-onvif</c>, whose Probes get ProbeMatches.
/// </summary>
public sealed class FacadeDiscoveryTests : IAsyncLifetime
{
    private static readonly IPAddress WsGroup = IPAddress.Parse("239.255.255.250");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly NetworkNamespacePair _net = NetworkNamespacePair.Create();
    private FacadeRig? _rig;

    public Task InitializeAsync() => NodePeer.EnsureInstalledAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null) await _rig.DisposeAsync();
        _net.Dispose();
    }

    private async Task<FacadeRig> StartAsync()
    {
        var context = OnvifContext.Create(
            """{"discovery.wsDiscovery": false, "discovery.mdns": false, "events.pullPoint": false, "facade.enabled": true, "facade.wsDiscovery": true, "facade.name": "Site Appliance", "facade.rtspPort": 8654}""",
            (port, address) => NetworkNamespacePair.InNamespace(_net.NameB, () =>
            {
                var bind = address ?? IPAddress.IPv6Any;
                var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                if (bind.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(bind, port));
                return socket;
            }),
            (_, _) => NetworkNamespacePair.TcpListener(_net.NameB, IPAddress.Any));
        _rig = await FacadeRig.StartAsync(context: context, plugin: new OnvifPlugin(() => NetworkNamespacePair.InNamespace(_net.NameB, NetworkInterface.GetAllNetworkInterfaces)));
        return _rig;
    }

    private static async Task<T> ReceiveAsync<T>(Socket socket, Func<T, bool> wanted) where T : WsDiscoveryMessage
    {
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (WsDiscoveryParser.Parse(buffer.AsMemory(0, n)).TryGetValue(out var message, out _) && message is T typed && wanted(typed)) return typed;
        }
    }

    [Fact]
    public async Task TheApplianceSaysHelloAtStartAndByeAtStop()
    {
        using var listener = NetworkNamespacePair.MulticastSocket(_net.NameA, 3702, WsGroup);
        var rig = await StartAsync();
        var hello = await ReceiveAsync<Hello>(listener, h => h.Service.XAddrs.Any(x => x.Contains(_net.AddressB.ToString(), StringComparison.Ordinal)));
        Assert.StartsWith("urn:uuid:", hello.Service.EndpointReference, StringComparison.Ordinal);
        Assert.Contains(WsDiscoveryMessages.NetworkVideoTransmitter, hello.Service.Types);
        Assert.Contains("onvif://www.onvif.org/name/Site%20Appliance", hello.Service.Scopes);
        Assert.Equal([$"http://{_net.AddressB}:{rig.Port}/onvif/device_service"], hello.Service.XAddrs);

        await rig.DisposeAsync();
        _rig = null;
        var bye = await ReceiveAsync<Bye>(listener, b => b.EndpointReference == hello.Service.EndpointReference);
        Assert.Equal(hello.Service.EndpointReference, bye.EndpointReference);
    }

    [Fact]
    public async Task NpmOnvifFindsTheApplianceAndReadsItsProfiles()
    {
        var rig = await StartAsync();
        await using var peer = NodePeer.Start(_net.NameA, "node", "facade-onvif.js", "discover", "viewer", "viewer-pass");
        var result = await peer.NextJsonAsync(Patience);
        var device = result.GetProperty("discovered").EnumerateArray().Single();
        Assert.Equal($"http://{_net.AddressB}:{rig.Port}/onvif/device_service", device.GetProperty("xaddrs").EnumerateArray().Single().GetString());
        Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], result.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        // The client reached the appliance at B's address: its stream URIs name that address.
        Assert.Equal($"rtsp://{_net.AddressB}:8654/camera/yard", result.GetProperty("streamUris").GetProperty("p_yard").GetString());
    }

    [Fact]
    public async Task NodeOnvifFindsTheAppliance()
    {
        var rig = await StartAsync();
        await using var peer = NodePeer.Start(_net.NameA, "node", "facade-node-onvif.js", "discover", "viewer", "viewer-pass");
        var result = await peer.NextJsonAsync(Patience);
        var device = result.GetProperty("discovered").EnumerateArray().Single();
        // Scopes are URIs: the space is percent-encoded; node-onvif shows the scope's last segment as it is.
        Assert.Equal("Site%20Appliance", device.GetProperty("name").GetString());
        Assert.Equal("Appliance", device.GetProperty("hardware").GetString());
        Assert.Equal($"http://{_net.AddressB}:{rig.Port}/onvif/device_service", device.GetProperty("xaddrs").EnumerateArray().Single().GetString());
    }
}
