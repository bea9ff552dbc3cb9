using Appliance.Abstractions;
using System.Text;
using Appliance.Plugins.Onvif.Protocol.Client;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Client;

/// <summary>A client facing broken and hostile HTTP answers: every one is a clear error, none is a crash.</summary>
public class HostileCameraTests
{
    private static async Task<Failure> Ask(int status, string body, IReadOnlyDictionary<string, string>? headers = null, bool abort = false, int? limit = null)
    {
        await using var server = await CannedHttpServer.StartAsync(status, "application/soap+xml", Encoding.UTF8.GetBytes(body), headers, abort);
        var options = new SoapClientOptions { Timeout = TimeSpan.FromSeconds(20), MaxResponseBytes = limit ?? 1024 * 1024 };
        var client = new OnvifClient(new SoapHttpClient(new HttpClient(), new OnvifCredentials("u", "p"), TimeProvider.System, options), server.Uri);
        var result = await client.GetDeviceInformationAsync();
        Assert.False(result.IsOk);
        return result.Failure!;
    }

    [Fact]
    public async Task BillionLaughsResponse() =>
        Assert.Equal(ErrorKind.HostileXml, (await Ask(200, """<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&b;</s:Body></s:Envelope>""")).Code);

    [Fact]
    public async Task ExternalEntityResponse() =>
        Assert.Equal(ErrorKind.HostileXml, (await Ask(200, """<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/shadow">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&x;</s:Body></s:Envelope>""")).Code);

    [Fact]
    public async Task OversizedResponseIsCutOff()
    {
        var error = await Ask(200, "<s:Envelope>" + new string(' ', 300_000) + "</s:Envelope>", limit: 64 * 1024);
        Assert.Equal(ErrorKind.TooLarge, error.Code);
    }

    [Fact]
    public async Task TruncatedConnectionIsAnError()
    {
        var error = await Ask(200, Fixtures.Fill("GetDeviceInformationResponse", new Dictionary<string, string> { ["Manufacturer"] = "m", ["Model"] = "x", ["Hardware"] = "h" })[..200], abort: true);
        Assert.True(error.Code is ErrorKind.Transport or ErrorKind.MalformedXml, error.ToString());
    }

    [Fact]
    public async Task MalformedXml() =>
        Assert.Equal(ErrorKind.MalformedXml, (await Ask(200, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><oops></s:Body>")).Code);

    [Fact]
    public async Task WrongNamespaceResponse()
    {
        var error = await Ask(200, """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x:GetDeviceInformationResponse xmlns:x="urn:wrong"/></s:Body></s:Envelope>""");
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("urn:wrong", error.Message);
    }

    [Fact]
    public async Task HtmlErrorPageIsATransportErrorWithTheStatus()
    {
        var error = await Ask(500, "<html><body>Internal error</body></html>");
        Assert.Equal(ErrorKind.Transport, error.Code);
        Assert.Contains("HTTP 500", error.Message);
    }

    [Fact]
    public async Task SoapFaultWithHttp500IsAFault()
    {
        var fault = Fixtures.Fill("Fault", new Dictionary<string, string> { ["Code"] = "Receiver", ["Subcode"] = "ActionNotSupported", ["Reason"] = "no" });
        Assert.Equal(ErrorKind.SoapFault, (await Ask(500, fault)).Code);
    }

    [Fact]
    public async Task UnauthorizedWithOnlyBasicIsRefused()
    {
        var error = await Ask(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"cam\"" });
        Assert.Equal(ErrorKind.NotAuthorized, error.Code);
        Assert.Contains("offered: Basic", error.Message);
    }

    [Fact]
    public async Task UnauthorizedWithAMalformedDigestChallenge()
    {
        var error = await Ask(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Digest realm=\"cam\", algorithm=MD4" });
        Assert.Equal(ErrorKind.BadChallenge, error.Code);
    }

    [Fact]
    public async Task EmptyOkBody() =>
        Assert.Contains("empty body", (await Ask(200, "")).Message);
}
