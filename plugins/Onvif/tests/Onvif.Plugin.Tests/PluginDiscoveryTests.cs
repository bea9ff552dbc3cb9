using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>
/// The plugin's discovery over real multicast: it runs in namespace B (its UDP sockets are created there), the simulated
/// camera's WS-Discovery responder and an avahi-daemon in namespace A. Sockets are made like the host makes them (IPv6: [::]
/// dual-mode, SO_REUSEADDR) and the plugin sees namespace B's interfaces, so it joins ff02::c / ff02::fb on B's veth.
/// </summary>
public sealed class PluginDiscoveryTests : IDisposable
{
    private static readonly IPAddress WsGroup = IPAddress.Parse("239.255.255.250");
    private readonly NetworkNamespacePair _net = NetworkNamespacePair.Create();

    public void Dispose() => _net.Dispose();

    private PluginContextDouble Context(bool mdns) =>
        OnvifContext.Create($$"""{"discovery.intervalSeconds": 3600, "discovery.wsDiscovery": true, "discovery.mdns": {{(mdns ? "true" : "false")}}}""",
            (port, address) => NetworkNamespacePair.InNamespace(_net.NameB, () =>
            {
                var bind = address ?? IPAddress.IPv6Any;
                var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                if (bind.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(bind, port));
                return socket;
            }));

    private OnvifPlugin Plugin() => new(() => NetworkNamespacePair.InNamespace(_net.NameB, NetworkInterface.GetAllNetworkInterfaces));

    private WsDiscoveryResponder Responder(SimulatorOptions options) =>
        new(NetworkNamespacePair.MulticastSocket(_net.NameA, 3702, WsGroup), options, () => $"http://{_net.AddressA}:8080/onvif/device_service");

    private static IReadOnlyList<DiscoveredDevice> Found(PluginContextDouble context, string key) =>
        context.Outbox.Published.OfType<DeviceDiscovered>().Select(e => e.Device).Where(d => d.EndpointReference == key).ToList();

    [Fact]
    public async Task ProbeAtStartFindsTheCameraAndMdnsMergesIntoIt()
    {
        var options = new SimulatorOptions { Name = "Lobby Cam", Hardware = "SimCam-100", Location = "Hall" };
        await using var responder = Responder(options);
        var context = Context(mdns: true);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count >= 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            var device = Found(context, options.EndpointReference)[0];
            Assert.Equal("ws-discovery", device.Source);
            Assert.Equal("Lobby Cam", device.Name);
            Assert.Equal("SimCam-100", device.Hardware);
            Assert.Equal("Hall", device.Location);
            Assert.Equal([$"http://{_net.AddressA}:8080/onvif/device_service"], device.Addresses);
            Assert.Contains("dn:NetworkVideoTransmitter", device.Types);

            using var avahi = MdnsPublisher.Avahi(_net.NameA, _net.VethA, "Lobby RTSP", "_rtsp._tcp", 8554,
                new Dictionary<string, string> { ["path"] = "/lobby", ["vendor"] = "Appliance Test" });
            Assert.True(await avahi.WaitEstablishedAsync(TimeSpan.FromSeconds(30)), avahi.Output);
            await context.Outbox.DeliverToSubscribersAsync(new DiscoveryRequested("test"));
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Any(d => d.Source == "mdns+ws-discovery"), TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines));
            var merged = Found(context, options.EndpointReference).Last();
            Assert.Contains($"rtsp://{_net.AddressA}:8554/lobby", merged.Addresses);
            Assert.Contains($"http://{_net.AddressA}:8080/onvif/device_service", merged.Addresses);
            Assert.Equal("Appliance Test", merged.Attributes["vendor"]);
            Assert.Equal("Lobby Cam", merged.Name);
            Assert.Equal(HealthState.Healthy, context.HealthReports.Components[MdnsLoop.HealthComponent].State);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task ACameraAnnouncingWithoutXAddrsIsResolved()
    {
        var options = new SimulatorOptions { Name = "Quiet Cam", XAddrsOnlyOnResolve = true };
        await using var responder = Responder(options);
        var context = Context(mdns: false);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count >= 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            var device = Found(context, options.EndpointReference)[0];
            Assert.Equal([$"http://{_net.AddressA}:8080/onvif/device_service"], device.Addresses);
            Assert.Equal("Quiet Cam", device.Name);
            Assert.True(responder.ResolvesAnswered >= 1);
            // The ProbeMatches without XAddrs were not unreadable datagrams, and our own Resolves on the group neither.
            Assert.Equal(HealthState.Healthy, context.HealthReports.Components[WsDiscoveryLoop.HealthComponent].State);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task DiscoveryRequestedProbesAgainAndByeThenHelloAnnouncesAgain()
    {
        var options = new SimulatorOptions { Name = "Late Cam" };
        var context = Context(mdns: false);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("probes sent")), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            await using var responder = Responder(options);
            Assert.Empty(Found(context, options.EndpointReference));

            await context.Outbox.DeliverToSubscribersAsync(new DiscoveryRequested("portal"));
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count == 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.True(await Eventually.HoldsWithinAsync(() => responder.ProbesAnswered == 2, TimeSpan.FromSeconds(30)));

            await responder.SendByeAsync();
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("left")), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            await responder.SendHelloAsync();
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count == 2, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task HostileDatagramsAreCountedInHealthAndDiscoveryGoesOn()
    {
        var options = new SimulatorOptions { Name = "Survivor" };
        var context = Context(mdns: true);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.ContainsKey(MdnsLoop.HealthComponent) &&
                                                   context.HealthReports.Components.ContainsKey(WsDiscoveryLoop.HealthComponent), TimeSpan.FromSeconds(30)));
            using var attacker = NetworkNamespacePair.InNamespace(_net.NameA, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            var target = _net.AddressB;
            var laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>"u8.ToArray();
            await attacker.SendToAsync(laughs, new IPEndPoint(target, 3702));
            await attacker.SendToAsync(new byte[40000], new IPEndPoint(target, 3702));
            byte[] loop = [0, 0, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 12, 0, 1];
            await attacker.SendToAsync(loop, new IPEndPoint(target, 5353));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components[WsDiscoveryLoop.HealthComponent].Message.Contains("2 unreadable"), TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components[MdnsLoop.HealthComponent].Message.Contains("does not point backwards"), TimeSpan.FromSeconds(30)));
            Assert.Contains(context.Log.Lines, l => l.Contains("HostileXml"));

            await using var responder = Responder(options);
            await context.Outbox.DeliverToSubscribersAsync(new DiscoveryRequested("after attack"));
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count == 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task CameraAnsweringOnlyOnIPv6IsFoundWithItsIPv6XAddr()
    {
        var options = new SimulatorOptions { Name = "V6 Cam" };
        var (socket, group) = NetworkNamespacePair.MulticastSocket6(_net.NameA, _net.VethA, 3702, IPAddress.Parse("ff02::c"));
        await using var responder = new WsDiscoveryResponder(socket, options, () => $"http://[{_net.Address6A}]:8080/onvif/device_service", group);
        var context = Context(mdns: true);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count >= 1, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            var device = Found(context, options.EndpointReference)[0];
            Assert.Equal("ws-discovery", device.Source);
            Assert.Equal("V6 Cam", device.Name);
            Assert.Equal([$"http://[{_net.Address6A}]:8080/onvif/device_service"], device.Addresses);
            Assert.Equal(_net.Address6A.ToString(), device.Attributes["ipAddresses"]);
            Assert.Contains($"ff02::c on {_net.VethB}", context.HealthReports.Components[WsDiscoveryLoop.HealthComponent].Message);
            Assert.Contains($"ff02::fb on {_net.VethB}", context.HealthReports.Components[MdnsLoop.HealthComponent].Message);

            await responder.SendByeAsync();
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Any(l => l.Contains("left")), TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnIPv6InterfaceThatAppearsAfterStartIsJoined()
    {
        // No IPv6 on our side at start: the loop runs on IPv4 and says so.
        NetworkNamespacePair.Run("ip", $"netns exec {_net.NameB} sysctl -qw net.ipv6.conf.{_net.VethB}.disable_ipv6=1");
        var options = new SimulatorOptions { Name = "Late V6 Cam" };
        var (socket, group) = NetworkNamespacePair.MulticastSocket6(_net.NameA, _net.VethA, 3702, IPAddress.Parse("ff02::c"));
        await using var responder = new WsDiscoveryResponder(socket, options, () => $"http://[{_net.Address6A}]:8080/onvif/device_service", group);
        var context = Context(mdns: false);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => context.HealthReports.Components.TryGetValue(WsDiscoveryLoop.HealthComponent, out var r) && r.Message.Contains("no IPv6"),
                TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            Assert.Empty(Found(context, options.EndpointReference));

            // The interface gets IPv6 (link-local, no DAD): joined within a few seconds, probed at once, the camera found.
            NetworkNamespacePair.Run("ip", $"netns exec {_net.NameB} sysctl -qw net.ipv6.conf.{_net.VethB}.disable_ipv6=0");
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference).Count >= 1, TimeSpan.FromSeconds(60)), string.Join('\n', context.Log.Lines));
            Assert.Contains(context.Log.Lines, l => l.Contains("came up; binding again"));
            Assert.Contains($"ff02::c on {_net.VethB}", context.HealthReports.Components[WsDiscoveryLoop.HealthComponent].Message);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task CameraAnsweringOnBothFamiliesIsOneDevice()
    {
        var options = new SimulatorOptions { Name = "Dual Cam" };
        string XAddrs() => $"http://{_net.AddressA}:8080/onvif/device_service http://[{_net.Address6A}]:8080/onvif/device_service";
        await using var v4 = new WsDiscoveryResponder(NetworkNamespacePair.MulticastSocket(_net.NameA, 3702, WsGroup), options, XAddrs);
        var (socket, group) = NetworkNamespacePair.MulticastSocket6(_net.NameA, _net.VethA, 3702, IPAddress.Parse("ff02::c"));
        await using var v6 = new WsDiscoveryResponder(socket, options, XAddrs, group);
        var context = Context(mdns: false);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => v4.ProbesAnswered >= 2 && v6.ProbesAnswered >= 2 && Found(context, options.EndpointReference).Count >= 1, TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines));
            await context.Outbox.DeliverToSubscribersAsync(new DiscoveryRequested("again"));
            Assert.True(await Eventually.HoldsWithinAsync(() => v4.ProbesAnswered >= 4 && v6.ProbesAnswered >= 4, TimeSpan.FromSeconds(30)), string.Join('\n', context.Log.Lines));
            await v6.SendHelloAsync();
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Log.Lines.Count(l => l.Contains("probes sent")) >= 2, TimeSpan.FromSeconds(30)));
            // One device: every event is about the same endpoint reference, and the latest carries both addresses.
            // (When the IPv4 answer is published before the IPv6 one arrives, the device is published again as changed.)
            Assert.True(await Eventually.HoldsWithinAsync(() => Found(context, options.EndpointReference)[^1].Attributes["ipAddresses"].Split(' ').Length == 2, TimeSpan.FromSeconds(30)));
            var device = Found(context, options.EndpointReference)[^1];
            Assert.Equal([_net.AddressA.ToString(), _net.Address6A.ToString()], device.Attributes["ipAddresses"].Split(' '));
            Assert.All(context.Outbox.Published.OfType<DeviceDiscovered>(), e => Assert.Equal(options.EndpointReference, e.Device.EndpointReference));
            // One or two from the first round, and the requested round republishes the one device it knows.
            Assert.InRange(context.Outbox.Published.OfType<DeviceDiscovered>().Count(), 2, 3);
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task MdnsOverIPv6FindsAnAvahiThatSpeaksOnlyIPv6()
    {
        var context = Context(mdns: true);
        var plugin = Plugin();
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            using var avahi = MdnsPublisher.Avahi(_net.NameA, _net.VethA, "V6 RTSP", "_rtsp._tcp", 8554,
                new Dictionary<string, string> { ["path"] = "/v6" }, ipv6: true);
            Assert.True(await avahi.WaitEstablishedAsync(TimeSpan.FromSeconds(30)), avahi.Output);
            await context.Outbox.DeliverToSubscribersAsync(new DiscoveryRequested("test"));
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Published.OfType<DeviceDiscovered>().Any(e =>
                e.Device.Source == "mdns" && e.Device.Addresses.Contains($"rtsp://[{_net.Address6A}]:8554/v6")), TimeSpan.FromSeconds(30)),
                string.Join('\n', context.Log.Lines) + "\n" + avahi.Output);
            var device = context.Outbox.Published.OfType<DeviceDiscovered>().Select(e => e.Device).Last(d => d.Source == "mdns");
            Assert.Equal("V6 RTSP", device.Name);
            Assert.DoesNotContain(device.Addresses, a => a.Contains(_net.AddressA.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
        }
    }
}
