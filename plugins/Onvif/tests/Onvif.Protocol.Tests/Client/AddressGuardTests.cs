using Appliance.Plugins.Onvif.Protocol.Client;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Client;

public class AddressGuardTests
{
    private static readonly Uri Camera = new("http://10.0.0.7/onvif/device_service");

    [Theory]
    [InlineData("rtsp://10.0.0.7:554/stream1")]
    [InlineData("http://10.0.0.7:8080/onvif/events")]
    [InlineData("http://[::ffff:10.0.0.7]/onvif/media")]
    public void AddressesOnTheCamerasHostPass(string returned) => Assert.Null(AddressGuard.Check(Camera, new Uri(returned), "stream URI"));

    [Theory]
    [InlineData("rtsp://10.0.0.66:554/stream1")]
    [InlineData("http://attacker.example/onvif/events")]
    [InlineData("http://127.0.0.1/onvif/media")]
    public void AddressesOnAnotherHostAreRefusedWithAClearError(string returned)
    {
        var error = AddressGuard.Check(Camera, new Uri(returned), "stream URI");
        Assert.NotNull(error);
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
        Assert.Contains("stream URI on another host", error.Message);
        Assert.Contains("allow foreign addresses", error.Message);
    }

    [Fact]
    public void HostNamesCompareWithoutCase() =>
        Assert.True(AddressGuard.SameHost(new Uri("http://Cam-1.local/onvif"), new Uri("rtsp://cam-1.LOCAL/s")));
}
