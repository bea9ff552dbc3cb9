using Appliance.Abstractions;
using System.Text;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Soap;

public class SoapMessageTests
{
    private static Result<SoapMessage> Read(string xml) => SoapMessage.Read(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void WrittenEnvelopeReadsBackWithHeaderAndBody()
    {
        var bytes = SoapEnvelope.Build(new XElement(Ns.Tds + "GetDeviceInformation"), [new XElement(Ns.Wsa + "Action", "urn:x")]);
        var message = SoapMessage.Read(bytes).Value;
        Assert.Equal(Ns.Tds + "GetDeviceInformation", message.Body.Name);
        Assert.Equal("urn:x", message.HeaderText(Ns.Wsa + "Action"));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void NotAuthorizedFaultFromTheSpecFixtureIsAnAuthenticationError()
    {
        var xml = Fixtures.Fill("Fault", new Dictionary<string, string> { ["Code"] = "Sender", ["Subcode"] = "NotAuthorized", ["Reason"] = "Sender not Authorized" });
        var error = Read(xml).Failure!;
        Assert.Equal(ErrorKind.NotAuthorized, error.Code);
        Assert.Equal("NotAuthorized: SOAP fault Sender/ter:NotAuthorized: Sender not Authorized", error.ToString());
    }

    [Fact]
    public void OtherFaultsKeepCodeSubcodeAndReason()
    {
        var xml = Fixtures.Fill("Fault", new Dictionary<string, string> { ["Code"] = "Receiver", ["Subcode"] = "ActionNotSupported", ["Reason"] = "Optional Action Not Implemented" });
        var error = Read(xml).Failure!;
        Assert.Equal(ErrorKind.SoapFault, error.Code);
        Assert.Contains("Receiver/ter:ActionNotSupported: Optional Action Not Implemented", error.Message);
    }

    [Fact]
    public void FaultWithoutReasonOrCodesStillReadsClearly()
    {
        var error = Read("""<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault/></s:Body></s:Envelope>""").Failure!;
        Assert.Equal(ErrorKind.SoapFault, error.Code);
        Assert.Contains("(no reason given)", error.Message);
    }

    [Fact]
    public void Soap11EnvelopeIsRefusedByName()
    {
        var error = Read("""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x/></soap:Body></soap:Envelope>""").Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("SOAP 1.1", error.Message);
    }

    [Theory]
    [InlineData("""<Envelope><Body><x/></Body></Envelope>""", "root element is Envelope")]
    [InlineData("""<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"/>""", "no Body")]
    [InlineData("""<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>""", "Body is empty")]
    public void WrongShapesAreUnexpectedMessages(string xml, string expected)
    {
        var error = Read(xml).Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ExpectNamesBothTheExpectedAndTheReceivedElement()
    {
        var message = Read(Fixtures.Fill("GetDeviceInformationResponse", new Dictionary<string, string> { ["Manufacturer"] = "m", ["Model"] = "x", ["Hardware"] = "h" })).Value;
        var error = message.Expect(Ns.Trt + "GetProfilesResponse").Failure!;
        Assert.Contains("GetProfilesResponse", error.Message);
        Assert.Contains("GetDeviceInformationResponse", error.Message);
    }

    [Fact]
    public void TruncatedFixtureIsMalformed()
    {
        var xml = Fixtures.Fill("GetDeviceInformationResponse", new Dictionary<string, string> { ["Manufacturer"] = "m", ["Model"] = "x", ["Hardware"] = "h" });
        for (var cut = 50; cut < xml.Length - 5; cut += 97)
            Assert.Equal(ErrorKind.MalformedXml, Read(xml[..cut]).Failure!.Code);
    }
}
