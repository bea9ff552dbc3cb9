using Appliance.NetCheck.Checks;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

public class SettingsValidationTests
{
    [Fact]
    public void Defaults_are_valid()
        => Assert.Empty(new NetworkDoctorSettings().Validate());

    [Fact]
    public void Every_bad_field_is_named()
    {
        var settings = new NetworkDoctorSettings
        {
            Fqdns = ["ok.example", "*.wild.example", "bad name", "*."],
            CloudEndpoints = [new CloudEndpoint("", 443, "x"), new CloudEndpoint("api.example", 70000, "y")],
            StunServer = new HostPort("stun..example", 3478),
            NtpServer = new HostPort("192.0.2.1", 0),
            Proxy = new HostPort("[::1]", 3128),
            ContentFilter = new ContentFilterSettings(new Uri("ftp://files.example/x"), TimeSpan.FromSeconds(30)),
            Cameras = [new CameraTarget("c", new Uri("http://10.0.0.2/"), new Uri("rtsp://10.0.0.2/onvif"))],
            PerCheckTimeout = TimeSpan.FromSeconds(10),
            MaxConcurrency = 0,
        };
        Assert.Equal(
        [
            "fqdns[2]: 'bad name' is not a host name",
            "fqdns[3]: '*.' is not a host name",
            "cloudEndpoints[0].host: '' is not a host name or IP address",
            "cloudEndpoints[1].port: 70000 is not between 1 and 65535",
            "stunServer.host: 'stun..example' is not a host name or IP address",
            "ntpServer.port: 0 is not between 1 and 65535",
            "contentFilter.url: 'ftp://files.example/x' is not an absolute http(s) URL",
            "contentFilter.window: 30 s must be above 0 and below perCheckTimeout (10 s)",
            "cameras[0].rtsp: 'http://10.0.0.2/' is not an rtsp:// URI with a host",
            "cameras[0].onvif: 'rtsp://10.0.0.2/onvif' is not an http(s):// device service URI",
            "maxConcurrency: must be at least 1",
        ], settings.Validate());
        Assert.Throws<ArgumentException>(() => new NetworkDoctor(settings));
    }
}
