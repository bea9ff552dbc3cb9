using System.Net;
using Appliance.Plugins.Onvif.Protocol.Mdns;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Mdns;

public class DnsSdBrowserTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DnsMessage Response(params DnsResourceRecord[] records) => new(0, DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag, [], records, [], []);

    [Fact]
    public void BrowseQueryAsksForEveryCameraServiceType()
    {
        var query = new DnsSdBrowser(DnsSdBrowser.CameraServiceTypes).BrowseQuery();
        Assert.Equal(["_rtsp._tcp.local", "_onvif._tcp.local", "_http._tcp.local"], query.Questions.Select(q => q.Name));
        Assert.All(query.Questions, q => Assert.Equal(DnsType.Ptr, q.Type));
    }

    [Fact]
    public void AvahiCaptureResolvesToAnInstanceWithItsTxtAttributes()
    {
        var browser = new DnsSdBrowser(DnsSdBrowser.CameraServiceTypes);
        var capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "avahi-rtsp-browse-answer.bin"));
        browser.Apply(DnsReader.Decode(capture).Value, Now);
        var instance = Assert.Single(browser.Resolved());
        Assert.Equal("Lobby Camera", instance.DisplayName);
        Assert.Equal((ushort)8554, instance.Port);
        Assert.Contains(IPAddress.Parse("10.213.7.1"), instance.Addresses);
        var endpoint = instance.ToEndpoint();
        Assert.Contains("rtsp://10.213.7.1:8554/stream1", endpoint.Addresses);
        Assert.Equal("SimCam-100", endpoint.Hardware);
        Assert.Equal("SimCam-100", endpoint.Attributes["model"]);
        Assert.Null(browser.ResolveQuery());
    }

    [Fact]
    public void MissingSrvAndAddressesAreAskedForThenResolved()
    {
        var browser = new DnsSdBrowser(["_onvif._tcp.local"]);
        browser.Apply(Response(new PtrRecord("_onvif._tcp.local", 4500, false, "Gate._onvif._tcp.local")), Now);
        Assert.Empty(browser.Resolved());
        Assert.Equal([("Gate._onvif._tcp.local", DnsType.Srv), ("Gate._onvif._tcp.local", DnsType.Txt)], browser.ResolveQuery()!.Questions.Select(q => (q.Name, q.Type)));
        browser.Apply(Response(new SrvRecord("Gate._onvif._tcp.local", 120, true, 0, 0, 80, "gate.local")), Now);
        Assert.Contains(browser.ResolveQuery()!.Questions, q => q.Name == "gate.local" && q.Type == DnsType.A);
        browser.Apply(Response(new AddressRecord("gate.local", 120, true, IPAddress.Parse("192.0.2.9"))), Now);
        var instance = Assert.Single(browser.Resolved());
        Assert.Equal(["http://192.0.2.9:80/"], instance.ToEndpoint().Addresses);
    }

    [Fact]
    public void GoodbyeRemovesTheInstance()
    {
        var browser = new DnsSdBrowser(["_rtsp._tcp.local"]);
        browser.Apply(Response(
            new PtrRecord("_rtsp._tcp.local", 4500, false, "Cam._rtsp._tcp.local"),
            new SrvRecord("Cam._rtsp._tcp.local", 120, true, 0, 0, 554, "cam.local"),
            new AddressRecord("cam.local", 120, true, IPAddress.Parse("192.0.2.1"))), Now);
        Assert.Single(browser.Resolved());
        var removed = browser.Apply(Response(new PtrRecord("_rtsp._tcp.local", 0, false, "Cam._rtsp._tcp.local")), Now);
        Assert.Equal(["Cam._rtsp._tcp.local"], removed);
        Assert.Empty(browser.Resolved());
    }

    [Fact]
    public void QueriesAndForeignServiceTypesAreIgnored()
    {
        var browser = new DnsSdBrowser(["_rtsp._tcp.local"]);
        browser.Apply(DnsMessage.Query(new DnsQuestion("_rtsp._tcp.local", DnsType.Ptr)), Now);
        browser.Apply(Response(new PtrRecord("_printer._tcp.local", 4500, false, "Printer._printer._tcp.local")), Now);
        browser.Apply(Response(new PtrRecord("_rtsp._tcp.local", 4500, false, "evil.example.com")), Now);
        Assert.Null(browser.ResolveQuery());
    }
}
