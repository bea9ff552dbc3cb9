using Appliance.Abstractions;
using System.Text;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Discovery;

public class WsDiscoveryParserTests
{
    private const string Scopes = "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/Lobby%20Cam%20%231 onvif://www.onvif.org/hardware/XY-100 onvif://www.onvif.org/location/building/3 onvif://www.onvif.org/location/floor/2";

    private static Dictionary<string, string> Values(string xaddrs = "http://10.0.0.5/onvif/device_service http://[fe80::1]/onvif/device_service") => new()
    {
        ["MessageId"] = "11111111-2222-3333-4444-555555555555",
        ["RelatesTo"] = "uuid:probe-1",
        ["MessageNumber"] = "3",
        ["EndpointReference"] = "urn:uuid:aaaa-bbbb",
        ["Scopes"] = Scopes,
        ["XAddrs"] = xaddrs,
        ["MetadataVersion"] = "2",
    };

    private static Result<WsDiscoveryMessage> Parse(string xml) => WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void ProbeMatchesFromTheSpecFixture()
    {
        var matches = Assert.IsType<ProbeMatches>(Parse(Fixtures.Fill("ProbeMatches", Values())).Value);
        Assert.Equal("uuid:probe-1", matches.RelatesTo);
        Assert.Equal("uuid:11111111-2222-3333-4444-555555555555", matches.MessageId);
        var match = Assert.Single(matches.Matches);
        Assert.Equal("urn:uuid:aaaa-bbbb", match.EndpointReference);
        Assert.Equal([Ns.Dn + "NetworkVideoTransmitter", Ns.Tds + "Device"], match.Types);
        Assert.Equal(2, match.XAddrs.Count);
        Assert.Equal(2, match.MetadataVersion);
    }

    [Fact]
    public void ScopesAreDecodedIntoNameHardwareLocation()
    {
        var scopes = OnvifScopes.Parse(Scopes.Split(' ').Append("onvif://www.onvif.org/name/Second").Append("http://example.invalid/other"));
        Assert.Equal("Lobby Cam #1", scopes.Name);
        Assert.Equal("XY-100", scopes.Hardware);
        Assert.Equal("building/3, floor/2", scopes.Location);
        Assert.Equal(["video_encoder"], scopes.Types);
        Assert.Equal(["Streaming"], scopes.Profiles);
        Assert.Equal("bad%zzname", OnvifScopes.Parse(["onvif://www.onvif.org/name/bad%zzname"]).Name);
    }

    [Fact]
    public void EndpointCarriesScopesAndTheIpAddressesOfItsXAddrs()
    {
        var match = ((ProbeMatches)Parse(Fixtures.Fill("ProbeMatches", Values())).Value).Matches[0];
        var endpoint = DiscoveredEndpoint.FromTargetService(match, DateTimeOffset.UnixEpoch);
        Assert.Equal(["10.0.0.5", "fe80::1"], endpoint.IpAddresses.Select(a => a.ToString()));
        Assert.Equal(["dn:NetworkVideoTransmitter", "tds:Device"], endpoint.Types);
        Assert.Equal("Lobby Cam #1", endpoint.Name);
        Assert.Equal(Scopes, endpoint.Attributes["scopes"]);
    }

    [Fact]
    public void HelloAndBye()
    {
        var hello = Assert.IsType<Hello>(Parse(Fixtures.Fill("Hello", Values())).Value);
        Assert.Equal("urn:uuid:aaaa-bbbb", hello.Service.EndpointReference);
        var bye = Assert.IsType<Bye>(Parse(Fixtures.Fill("Bye", Values())).Value);
        Assert.Equal("urn:uuid:aaaa-bbbb", bye.EndpointReference);
    }

    [Fact]
    public void OurProbeReadsBackWithResolvedTypes()
    {
        var typed = Assert.IsType<Probe>(WsDiscoveryParser.Parse(WsDiscoveryMessages.Probe("uuid:x", [WsDiscoveryMessages.NetworkVideoTransmitter])).Value);
        Assert.Equal([WsDiscoveryMessages.NetworkVideoTransmitter], typed.Types);
        Assert.Equal("uuid:x", typed.MessageId);
        Assert.Empty(Assert.IsType<Probe>(WsDiscoveryParser.Parse(WsDiscoveryMessages.Probe("uuid:y", [])).Value).Types);
        var text = Encoding.UTF8.GetString(WsDiscoveryMessages.Probe("uuid:x", [WsDiscoveryMessages.NetworkVideoTransmitter]));
        Assert.Contains(">dn:NetworkVideoTransmitter<", text);
        Assert.Contains("urn:schemas-xmlsoap-org:ws:2005:04:discovery", text);
    }

    [Fact]
    public void MatchWithoutXAddrsIsToBeResolvedAndOthersSurvive()
    {
        var xml = Fixtures.Fill("ProbeMatches", Values(xaddrs: ""));
        var second = XDocument.Parse(Fixtures.Fill("ProbeMatches", Values())).Descendants(Ns.Discovery + "ProbeMatch").Single();
        second.Descendants(Ns.Wsa2004 + "Address").Single().Value = "urn:uuid:second";
        var document = XDocument.Parse(xml);
        document.Descendants(Ns.Discovery + "ProbeMatches").Single().Add(second);
        var matches = (ProbeMatches)WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(document.ToString())).Value;
        Assert.Empty(matches.Problems);
        Assert.Equal(["urn:uuid:aaaa-bbbb", "urn:uuid:second"], matches.Matches.Select(m => m.EndpointReference));
        Assert.True(matches.Matches[0].NeedsResolve);
        Assert.False(matches.Matches[1].NeedsResolve);
    }

    [Fact]
    public void ResolveMatchesCarryTheXAddrsAndOneWithoutIsAProblem()
    {
        var resolved = (ResolveMatches)WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(Fixtures.Fill("ResolveMatches", Values()))).Value;
        var match = Assert.Single(resolved.Matches);
        Assert.Equal("urn:uuid:aaaa-bbbb", match.EndpointReference);
        Assert.False(match.NeedsResolve);
        var empty = (ResolveMatches)WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(Fixtures.Fill("ResolveMatches", Values(xaddrs: "")))).Value;
        Assert.Empty(empty.Matches);
        Assert.Contains("ResolveMatch for urn:uuid:aaaa-bbbb has no XAddrs", Assert.Single(empty.Problems).Message);
        var hostile = (ResolveMatches)WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(Fixtures.Fill("ResolveMatches", Values(xaddrs: "file:///etc/passwd")))).Value;
        Assert.Contains("no usable XAddrs", Assert.Single(hostile.Problems).Message);
        var truncated = Fixtures.Fill("ResolveMatches", Values());
        Assert.False(WsDiscoveryParser.Parse(Encoding.UTF8.GetBytes(truncated[..(truncated.Length / 2)])).IsOk);
    }

    [Fact]
    public void OurResolveNamesTheEndpointAndReadsBackAsAResolve()
    {
        var datagram = WsDiscoveryMessages.Resolve("uuid:1", "urn:uuid:cam-7");
        var read = (ResolveRequest)WsDiscoveryParser.Parse(datagram).Value;
        Assert.Equal("urn:uuid:cam-7", read.EndpointReference);
        Assert.Equal("uuid:1", read.MessageId);
        Assert.Contains(WsDiscoveryMessages.ResolveAction, Encoding.UTF8.GetString(datagram));
    }

    [Fact]
    public void HelloWithOnlyNonHttpXAddrsIsRefused() =>
        Assert.Contains("no usable XAddrs", Parse(Fixtures.Fill("Hello", Values(xaddrs: "ftp://10.0.0.5/ file:///etc/passwd"))).Failure!.Message);

    [Fact]
    public void ByeWithoutEndpointIsAnError()
    {
        var xml = Fixtures.Fill("Bye", Values()).Replace("<wsa:Address>urn:uuid:aaaa-bbbb</wsa:Address>", "");
        Assert.Contains("Bye without EndpointReference", Parse(xml).Failure!.Message);
    }

    [Fact]
    public void WsDiscovery11NamespaceIsNotThe2005Version()
    {
        var xml = Fixtures.Fill("Hello", Values()).Replace("http://schemas.xmlsoap.org/ws/2005/04/discovery", "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01");
        var error = Parse(xml).Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("not a WS-Discovery 2005/04 message", error.Message);
    }

    [Fact]
    public void OversizedDatagramIsRefusedUnread()
    {
        var error = WsDiscoveryParser.Parse(new byte[WsDiscoveryParser.MaxDatagramBytes + 1]).Failure!;
        Assert.Equal(ErrorKind.TooLarge, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0\0")]
    [InlineData("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><d:Hello xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\">")]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    public void MalformedDatagramsAreErrors(string text) =>
        Assert.Equal(ErrorKind.MalformedXml, Parse(text).Failure!.Code);

    [Fact]
    public void EntityExpansionInADatagramIsRefused()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + Fixtures.Fill("Bye", Values()).Split("?>", 2)[1].Replace("urn:uuid:aaaa-bbbb", "&b;");
        Assert.Equal(ErrorKind.HostileXml, Parse(xml).Failure!.Code);
    }

    [Fact]
    public void EveryTruncationOfAProbeMatchIsAnErrorNotACrash()
    {
        var bytes = Encoding.UTF8.GetBytes(Fixtures.Fill("ProbeMatches", Values()));
        for (var cut = 0; cut < bytes.Length - 20; cut += 13)
            Assert.False(WsDiscoveryParser.Parse(bytes.AsMemory(0, cut)).IsOk);
    }
}
