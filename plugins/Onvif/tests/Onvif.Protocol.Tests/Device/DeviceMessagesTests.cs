using Appliance.Abstractions;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Device;

public class DeviceMessagesTests
{
    [Fact]
    public void SystemDateAndTimeIsTheUtcDateTime() =>
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero),
            DeviceMessages.ParseSystemDateAndTime(FixtureMessages.Body("GetSystemDateAndTimeResponse")).Value);

    [Fact]
    public void ImpossibleDateIsAClearError()
    {
        var body = FixtureMessages.Body("GetSystemDateAndTimeResponse");
        body.Descendants(Ns.Tt + "Month").First().Value = "13";
        var error = DeviceMessages.ParseSystemDateAndTime(body).Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("Month '13' is not a number in 1..12", error.Message);
    }

    [Fact]
    public void MissingUtcDateTimeIsAClearError()
    {
        var body = FixtureMessages.Body("GetSystemDateAndTimeResponse");
        body.Descendants(Ns.Tt + "UTCDateTime").Remove();
        Assert.Contains("UTCDateTime", DeviceMessages.ParseSystemDateAndTime(body).Failure!.Message);
    }

    [Fact]
    public void DeviceInformationFields() =>
        Assert.Equal(new DeviceInformation("Acme", "Cam-1", "1.0.0", "SIM-0001", "HW-1"),
            DeviceMessages.ParseDeviceInformation(FixtureMessages.Body("GetDeviceInformationResponse")).Value);

    [Fact]
    public void ServicesWithMedia2BecomeServiceAddresses()
    {
        var body = FixtureMessages.Body("GetServicesResponse", new Dictionary<string, string> { ["Media2Service"] = Fixtures.Raw("Media2ServiceEntry") });
        var services = DeviceMessages.ParseServices(body).Value;
        Assert.Equal(5, services.Count);
        var addresses = ServiceAddresses.FromServices(new Uri("http://192.0.2.10:8080/onvif/device_service"), services);
        Assert.Equal("http://192.0.2.10:8080/onvif/media2_service", addresses.Media2!.ToString());
        Assert.Equal("http://192.0.2.10:8080/onvif/media_service", addresses.Media!.ToString());
        Assert.Equal("http://192.0.2.10:8080/onvif/ptz_service", addresses.Ptz!.ToString());
        Assert.Equal("http://192.0.2.10:8080/onvif/event_service", addresses.Events!.ToString());
        Assert.Equal(2, services[0].Major);
        Assert.Equal(60, services[0].Minor);
    }

    [Fact]
    public void ServicesWithoutUsableXAddrsAreAnError()
    {
        var body = FixtureMessages.Body("GetServicesResponse", new Dictionary<string, string> { ["Media2Service"] = "" });
        foreach (var x in body.Descendants(Ns.Tds + "XAddr")) x.Value = "javascript:alert(1)";
        Assert.Contains("no service", DeviceMessages.ParseServices(body).Failure!.Message);
    }

    [Fact]
    public void CapabilitiesGiveServiceAddressesAndPullPointSupport()
    {
        var caps = DeviceMessages.ParseCapabilities(FixtureMessages.Body("GetCapabilitiesResponse")).Value;
        Assert.True(caps.PullPointSupported);
        Assert.True(caps.RtpRtspTcp);
        Assert.Equal("http://192.0.2.10:8080/onvif/media_service", caps.Media!.ToString());
        Assert.Null(caps.ToAddresses(new Uri("http://192.0.2.10:8080/onvif/device_service")).Media2);
    }

    [Fact]
    public void AResponseOfTheWrongOperationIsNamed()
    {
        var error = DeviceMessages.ParseDeviceInformation(FixtureMessages.Body("GetCapabilitiesResponse")).Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("expected GetDeviceInformationResponse, got GetCapabilitiesResponse", error.Message);
    }

    [Fact]
    public void RightNameInTheWrongNamespaceIsRefused()
    {
        var body = FixtureMessages.Parse("""
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>
            <x:GetDeviceInformationResponse xmlns:x="http://www.onvif.org/ver20/device/wsdl"><x:Manufacturer>A</x:Manufacturer></x:GetDeviceInformationResponse>
            </s:Body></s:Envelope>
            """);
        Assert.Contains("ver20/device/wsdl", DeviceMessages.ParseDeviceInformation(body).Failure!.Message);
    }

    [Fact]
    public void RequestsAreInTheDeviceNamespace()
    {
        Assert.Equal(Ns.Tds + "GetSystemDateAndTime", DeviceMessages.GetSystemDateAndTime().Name);
        Assert.Equal("All", DeviceMessages.GetCapabilities().Element(Ns.Tds + "Category")!.Value);
        Assert.Equal("false", DeviceMessages.GetServices().Element(Ns.Tds + "IncludeCapability")!.Value);
    }
}
