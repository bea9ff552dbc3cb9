using System.Net;
using Appliance.Plugins.Onvif.Protocol.Mdns;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Mdns;

/// <summary>DNS-SD browsing against real mDNS responders (avahi-daemon, python3-zeroconf) in a test namespace, over real multicast.</summary>
public sealed class MdnsPeerTests : IDisposable
{
    private static readonly IPAddress Group = IPAddress.Parse(MdnsClient.MulticastIPv4);
    private readonly NetworkNamespacePair _net = NetworkNamespacePair.Create();

    public void Dispose() => _net.Dispose();

    private async Task<DnsSdServiceInstance> BrowseAsync(string displayName)
    {
        using var socket = NetworkNamespacePair.MulticastSocket(_net.NameB, MdnsClient.Port, Group);
        var client = new MdnsClient(socket, new IPEndPoint(Group, MdnsClient.Port));
        var browser = new DnsSdBrowser(DnsSdBrowser.CameraServiceTypes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var nextQuery = DateTime.UtcNow;
        while (true)
        {
            if (DateTime.UtcNow >= nextQuery)
            {
                await client.SendAsync(browser.BrowseQuery(), timeout.Token);
                if (browser.ResolveQuery() is { } resolve) await client.SendAsync(resolve, timeout.Token);
                nextQuery = DateTime.UtcNow.AddSeconds(1);
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            wait.CancelAfter(TimeSpan.FromSeconds(1));
            MdnsDatagram datagram;
            try { datagram = await client.ReceiveAsync(wait.Token); }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested) { continue; }
            Assert.True(datagram.Message.IsOk, datagram.Message.ToString());
            browser.Apply(datagram.Message.Value, DateTimeOffset.UtcNow);
            var found = browser.Resolved().FirstOrDefault(i => i.DisplayName == displayName && i.Attributes.Count > 0);
            if (found is not null) return found;
        }
    }

    [Fact]
    public async Task AvahiPublishedRtspServiceIsFoundWithItsTxtRecords()
    {
        using var avahi = MdnsPublisher.Avahi(_net.NameA, _net.VethA, "Gate Camera", "_rtsp._tcp", 8554,
            new Dictionary<string, string> { ["path"] = "/live/main", ["model"] = "SimCam-100", ["vendor"] = "Appliance Test" });
        Assert.True(await avahi.WaitEstablishedAsync(TimeSpan.FromSeconds(30)), avahi.Output);
        var instance = await BrowseAsync("Gate Camera");
        Assert.Equal((ushort)8554, instance.Port);
        Assert.Equal(_net.AddressA, instance.Addresses[0]);
        Assert.Equal("Appliance Test", instance.Attributes["vendor"]);
        var endpoint = instance.ToEndpoint();
        Assert.Equal($"rtsp://{_net.AddressA}:8554/live/main", endpoint.Addresses[0]);
        Assert.Equal("SimCam-100", endpoint.Hardware);
    }

    [Fact]
    public async Task ZeroconfPublishedOnvifServiceIsFound()
    {
        using var zeroconf = MdnsPublisher.Zeroconf(_net.NameA, _net.AddressA.ToString(), "Yard Camera", "_onvif._tcp", 8080,
            new Dictionary<string, string> { ["path"] = "/onvif/device_service", ["hardware"] = "ZC-7" });
        Assert.True(await zeroconf.WaitEstablishedAsync(TimeSpan.FromSeconds(30)), zeroconf.Output);
        var instance = await BrowseAsync("Yard Camera");
        Assert.Equal((ushort)8080, instance.Port);
        Assert.Equal([$"http://{_net.AddressA}:8080/onvif/device_service"], instance.ToEndpoint().Addresses);
        Assert.Equal("ZC-7", instance.ToEndpoint().Hardware);
    }
}
