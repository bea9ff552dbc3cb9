using System.Net;
using System.Text;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// Hostile and broken requests to the facade: each gets a SOAP fault or a clear HTTP status, none a 500 or a crash, and
/// the facade answers a good request right after each.
/// </summary>
public sealed class FacadeBadInputTests : IAsyncLifetime
{
    private FacadeRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FacadeRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task UnknownOperationIsASoapFaultNotA500()
    {
        var (status, xml, _) = await _rig.PostAsync("/onvif/device_service", FacadeRig.Body("<tds:SetSystemFactoryDefault><tds:FactoryDefault>Hard</tds:FactoryDefault></tds:SetSystemFactoryDefault>"), "admin", "admin-pass");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["ter:ActionNotSupported"], FacadeRig.Subcodes(xml));
        await _rig.AssertStillAnswersAsync();
    }

    [Fact]
    public async Task EntityExpansionAndExternalEntitiesAreRefusedUnexpanded()
    {
        var laughs = """<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>""" +
                     FacadeRig.Body("<tds:GetDeviceInformation>&c;</tds:GetDeviceInformation>");
        var xxe = """<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>""" + FacadeRig.Body("<tds:GetScopes>&xxe;</tds:GetScopes>");
        foreach (var hostile in new[] { laughs, xxe })
        {
            var (status, xml, _) = await _rig.PostAsync("/onvif/device_service", hostile);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(["ter:WellFormed"], FacadeRig.Subcodes(xml));
            Assert.Contains("DTD", xml!.Descendants(Ns.Soap + "Text").Single().Value, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", xml.ToString(), StringComparison.Ordinal);
        }
        await _rig.AssertStillAnswersAsync();
    }

    [Fact]
    public async Task MalformedTruncatedAndForeignEnvelopesAreFaults()
    {
        var cases = new[]
        {
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><tds:GetScopes", // truncated
            "this is not xml at all",
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>", // SOAP 1.1
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>", // empty body
        };
        foreach (var body in cases)
        {
            var (status, xml, _) = await _rig.PostAsync("/onvif/device_service", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.NotNull(xml);
            Assert.NotNull(xml.Descendants(Ns.Soap + "Fault").SingleOrDefault());
        }
        await _rig.AssertStillAnswersAsync();
    }

    [Fact]
    public async Task OversizedEnvelopeIs413WithoutReadingIt()
    {
        var answer = await _rig.RawAsync(FacadeRig.Http("", contentLength: "104857600"), halfClose: false);
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        var big = FacadeRig.Body("<tds:GetScopes>" + new string('x', 300 * 1024) + "</tds:GetScopes>");
        Assert.StartsWith("HTTP/1.1 413", await _rig.RawAsync(FacadeRig.Http(big)), StringComparison.Ordinal);
        await _rig.AssertStillAnswersAsync();
    }

    [Fact]
    public async Task BrokenHttpFramingGetsAStatusAndAClosedConnection()
    {
        Assert.StartsWith("HTTP/1.1 400", await _rig.RawAsync("GARBAGE\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", await _rig.RawAsync(FacadeRig.Http("<x/>", contentLength: "-5")), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 413", await _rig.RawAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nX: " + new string('a', 20000) + "\r\n\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 411", await _rig.RawAsync("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405", await _rig.RawAsync("GET /onvif/device_service HTTP/1.1\r\nConnection: close\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        // Truncated body: the client promises 500 bytes, sends 9 and closes its side.
        Assert.StartsWith("HTTP/1.1 400", await _rig.RawAsync(FacadeRig.Http("<s:Envelo", contentLength: "500")), StringComparison.Ordinal);
        await _rig.AssertStillAnswersAsync();
    }

    [Fact]
    public async Task ExpectContinueGetsAnInterimAnswerBeforeTheBodyIsSent()
    {
        var body = FacadeRig.Body("<tds:GetSystemDateAndTime/>");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _rig.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[8192];
        var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));
        await socket.SendAsync(Encoding.UTF8.GetBytes(body));
        var answer = new StringBuilder();
        while ((n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10))) > 0) answer.Append(Encoding.UTF8.GetString(buffer, 0, n));
        Assert.StartsWith("HTTP/1.1 200", answer.ToString(), StringComparison.Ordinal);
        Assert.Contains("UTCDateTime", answer.ToString(), StringComparison.Ordinal);
    }
}
