using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>
/// A hostile neighbour on the camera network (network namespaces, real multicast sockets): a flood of Hellos with
/// made-up endpoint references is capped per sender, and a Bye for a real camera from another address is ignored.
/// </summary>
public sealed class DiscoveryFloodTests : IDisposable
{
    private static readonly IPAddress WsGroup = IPAddress.Parse("239.255.255.250");
    private readonly NetworkNamespacePair _net = NetworkNamespacePair.Create();

    public void Dispose() => _net.Dispose();

    private PluginContextDouble Context() =>
        OnvifContext.Create("""{"discovery.intervalSeconds": 3600, "discovery.wsDiscovery": true, "discovery.mdns": false}""",
            (port, address) => NetworkNamespacePair.InNamespace(_net.NameB, () =>
            {
                var bind = address ?? IPAddress.IPv6Any;
                var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                if (bind.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(bind, port));
                return socket;
            }));

    private static Dictionary<string, string> Values(string endpointReference, string xaddrs, int n) => new()
    {
        ["MessageId"] = Guid.NewGuid().ToString("D"),
        ["RelatesTo"] = "",
        ["MessageNumber"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EndpointReference"] = endpointReference,
        ["Scopes"] = "onvif://www.onvif.org/name/Fake",
        ["XAddrs"] = xaddrs,
        ["MetadataVersion"] = "1",
    };

    [Fact]
    public async Task AHelloFloodIsCappedPerSenderAndASpoofedByeIsIgnored()
    {
        var camera = new SimulatorOptions { Name = "Real Cam" };
        await using var responder = new WsDiscoveryResponder(NetworkNamespacePair.MulticastSocket(_net.NameA, 3702, WsGroup), camera,
            () => $"http://{_net.AddressA}:8080/onvif/device_service");
        var context = Context();
        var plugin = new OnvifPlugin(() => NetworkNamespacePair.InNamespace(_net.NameB, NetworkInterface.GetAllNetworkInterfaces));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => Published(context).Any(d => d.EndpointReference == camera.EndpointReference), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));

            // 500 Hellos, each a "new device", from one address of the neighbour namespace.
            using var attacker = NetworkNamespacePair.InNamespace(_net.NameA, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            var target = new IPEndPoint(_net.AddressB, 3702);
            for (var i = 0; i < 500; i++)
            {
                var hello = Fixtures.Fill("Hello", Values($"urn:uuid:{Guid.NewGuid()}", $"http://{_net.AddressA}:{10000 + i}/onvif/device_service", i));
                await attacker.SendToAsync(Encoding.UTF8.GetBytes(hello), target);
                if (i % 50 == 49) await Task.Delay(20);
            }
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("already has 16 entries")), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines.TakeLast(20)));
            // The flood's entries from this sender are capped: the real camera (same sender) plus at most 15 fakes, all
            // merged into one device by their shared address; at most one DeviceDiscovered per accepted entry.
            await Task.Delay(500);
            var published = Published(context);
            Assert.InRange(published.Count, 2, 16);
            Assert.InRange(published[^1].Addresses.Count, 2, 16);

            // A Bye for the real camera from another address (the neighbour's IPv6 one) is ignored.
            using var spoofer = NetworkNamespacePair.InNamespace(_net.NameA, () => new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
            var bye = Fixtures.Fill("Bye", Values(camera.EndpointReference, "", 1000));
            await spoofer.SendToAsync(Encoding.UTF8.GetBytes(bye), new IPEndPoint(_net.Address6B, 3702));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("ignored a {Source} Bye") && l.Contains(camera.EndpointReference)), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines.TakeLast(20)));
            Assert.DoesNotContain(context.Log.Lines, l => l.Contains("left") && l.Contains(camera.EndpointReference));

            // The camera's own Bye still counts.
            await responder.SendByeAsync();
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("left") && l.Contains(camera.EndpointReference)), TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines.TakeLast(20)));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    private static IReadOnlyList<DiscoveredDevice> Published(PluginContextDouble context) =>
        context.Outbox.Published.OfType<DeviceDiscovered>().Select(e => e.Device).ToList();
}
