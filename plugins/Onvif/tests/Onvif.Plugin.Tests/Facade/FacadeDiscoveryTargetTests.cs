using System.Xml.Linq;
using Appliance.Plugins.Onvif.Plugin.Facade;
using Appliance.Plugins.Onvif.Plugin.Facade.Discovery;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// The appliance's WS-Discovery messages read back by the project's WS-Discovery parser (the one that reads cameras), the
/// Probe types that select it, and the answer budget against a Probe flood.
/// </summary>
public sealed class FacadeDiscoveryTargetTests
{
    private static readonly FacadeSettings Settings = new(true, 8000, null, 554, "Lobby & Yard", "Site 1", true);

    private static FacadeDiscoveryTarget Target() =>
        new("urn:uuid:2f5b0c3e-7b1a-4f55-9a6f-3c4b4a1e0d11", Settings, () => ["http://192.0.2.10:8000/onvif/device_service"], TimeProvider.System);

    private static Probe Probe(params XName[] types) => new(types) { MessageId = "uuid:probe-1" };

    [Fact]
    public void HelloByeAndProbeMatchesReadBackAsTheyWereMeant()
    {
        var target = Target();
        var hello = Assert.IsType<Hello>(WsDiscoveryParser.Parse(target.Hello()).Value);
        Assert.Equal(target.EndpointReference, hello.Service.EndpointReference);
        Assert.Equal([WsDiscoveryMessages.NetworkVideoTransmitter, Ns.Tds + "Device"], hello.Service.Types);
        Assert.Contains("onvif://www.onvif.org/name/Lobby%20%26%20Yard", hello.Service.Scopes);
        Assert.Contains("onvif://www.onvif.org/location/Site%201", hello.Service.Scopes);
        Assert.Equal(["http://192.0.2.10:8000/onvif/device_service"], hello.Service.XAddrs);
        Assert.Equal(target.EndpointReference, Assert.IsType<Bye>(WsDiscoveryParser.Parse(target.Bye()).Value).EndpointReference);
        var matches = Assert.IsType<ProbeMatches>(WsDiscoveryParser.Parse(target.Answer(Probe())!).Value);
        Assert.Equal("uuid:probe-1", matches.RelatesTo);
        Assert.Equal(target.EndpointReference, matches.Matches.Single().EndpointReference);
    }

    [Fact]
    public void OnlyProbesForItsTypesOrForAnyTypeAreAnswered()
    {
        var target = Target();
        Assert.NotNull(target.Answer(Probe(WsDiscoveryMessages.NetworkVideoTransmitter)));
        Assert.NotNull(target.Answer(Probe(Ns.Tds + "Device")));
        Assert.Null(target.Answer(Probe(XNamespace.Get("http://www.onvif.org/ver10/network/wsdl") + "NetworkVideoDisplay")));
        Assert.Null(target.Answer(Probe(XNamespace.Get("urn:printers") + "Printer")));
    }

    [Fact]
    public void AProbeFloodGetsABoundedNumberOfAnswers()
    {
        var target = Target();
        var answered = Enumerable.Range(0, 1000).Count(_ => target.Answer(Probe()) is not null);
        Assert.InRange(answered, 20, 25);
        Assert.Equal(1000 - answered, target.ProbesDropped);
    }
}
