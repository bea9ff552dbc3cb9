using System.Net;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Stun;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>
/// The whole doctor against a local rig of real peers: dnsmasq (names), openssl s_server (HTTPS 443-style),
/// mosquitto TLS (8883-style), coturn (STUN, RFC 5780), chronyd (NTP), tinyproxy (HTTP proxy), Kestrel (endless
/// stream, ONVIF device) and a GStreamer RTSP server.
/// </summary>
public sealed class NetworkDoctorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<IDisposable> _peers = [];
    private TestHttpServer _http = null!;
    private NetworkDoctorSettings _settings = null!;
    private NetCheckEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        var dns = await Dnsmasq.StartAsync(_dir.Path, "appliance.test", new Dictionary<string, IPAddress>
        {
            ["api.appliance.test"] = IPAddress.Loopback,
            ["mqtt.appliance.test"] = IPAddress.Loopback,
            ["stun.appliance.test"] = IPAddress.Loopback,
            ["time.appliance.test"] = IPAddress.Loopback,
            ["localhost"] = IPAddress.Loopback,
        });
        _peers.Add(dns);
        var ca = await TestCertificates.CreateCaAsync(_dir, "rig");
        var (cert, key) = await ca.IssueServerAsync("rig", 365, "DNS:api.appliance.test", "DNS:mqtt.appliance.test", "DNS:localhost");
        var https = await OpensslServer.StartAsync(_dir, cert, key);
        _peers.Add(https);
        var mqtt = await MosquittoTls.StartAsync(_dir, cert, key, ca.CaCert);
        _peers.Add(mqtt);
        var coturn = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")), _dir.Path);
        _peers.Add(coturn);
        var chrony = await Chrony.StartAsync(_dir.Path);
        _peers.Add(chrony);
        var proxy = await Tinyproxy.StartAsync(_dir.Path);
        _peers.Add(proxy);
        var rtsp = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --fps 5");
        _peers.Add(rtsp);
        _http = await TestHttpServer.StartAsync();

        _settings = new NetworkDoctorSettings
        {
            Fqdns = ["api.appliance.test", "mqtt.appliance.test", "stun.appliance.test"],
            DnsServer = dns.EndPoint,
            CloudEndpoints =
            [
                new CloudEndpoint("api.appliance.test", https.Port, "API (443 in production)"),
                new CloudEndpoint("mqtt.appliance.test", mqtt.Port, "MQTT cloud link (8883 in production)"),
            ],
            StunServer = new HostPort("stun.appliance.test", coturn.Primary.Port),
            NtpServer = new HostPort("time.appliance.test", chrony.EndPoint.Port),
            ContentFilter = new ContentFilterSettings(_http.StreamUrl, TimeSpan.FromSeconds(4)),
            Cameras = [new CameraTarget("lobby", rtsp.Uri, _http.OnvifUrl)],
            PerCheckTimeout = TimeSpan.FromSeconds(20),
        };
        _environment = NetCheckEnvironment.Default with
        {
            Trust = TlsTrust.CustomAnchors([ca.CaCertificate]),
            StunRetransmission = new StunRetransmission(TimeSpan.FromMilliseconds(150), 4),
        };
    }

    public async Task DisposeAsync()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }

        await _http.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_check_passes_on_a_healthy_rig()
    {
        // chronyd needs a moment after start before it serves; wait on the NTP check alone first.
        await Eventually.UntilAsync(async () => (await Run.CheckAsync(new NetworkDoctor(_settings with
        {
            Fqdns = [],
            CloudEndpoints = [],
            StunServer = null,
            ContentFilter = null,
            Cameras = []
        }, _environment).PlanChecks().Single())).Status == CheckStatus.Pass, "chronyd answering");

        var results = await new NetworkDoctor(_settings, _environment).RunAsync(CancellationToken.None);
        Print(results);
        Assert.Equal(
            [CheckNames.Dns, CheckNames.Dns, CheckNames.Dns, CheckNames.Tls, CheckNames.Tls, CheckNames.Stun, CheckNames.Ntp,
             CheckNames.ContentFilter, CheckNames.Rtsp, CheckNames.Onvif],
            results.Select(r => r.Name));
        Assert.All(results, r => Assert.True(r.Status == CheckStatus.Pass, $"{r.Name} {r.Target}: {r.Detail}"));
        Assert.All(results, r => Assert.NotNull(r.LatencyMs));
    }

    [Fact]
    public async Task Proxy_settings_add_a_connect_check_per_cloud_endpoint()
    {
        var proxy = _peers.OfType<Tinyproxy>().Single();
        var results = await new NetworkDoctor(_settings with
        {
            Proxy = new HostPort("127.0.0.1", proxy.Port),
            // tinyproxy resolves CONNECT targets itself and knows only "localhost" here.
            CloudEndpoints = [new CloudEndpoint("localhost", _peers.OfType<OpensslServer>().Single().Port, "API via proxy")],
            Fqdns = [],
            StunServer = null,
            NtpServer = null,
            Cameras = [],
        }, _environment).RunAsync(CancellationToken.None);
        Print(results);
        Assert.Equal([CheckNames.Tls, CheckNames.ProxyConnect, CheckNames.ContentFilter], results.Select(r => r.Name));
        Assert.All(results, r => Assert.True(r.Status == CheckStatus.Pass, $"{r.Name} {r.Target}: {r.Detail}"));
    }

    [Fact]
    public async Task A_hanging_peer_times_out_as_a_failure_without_hiding_the_others()
    {
        await using var silent = new HostileTcpServer([], closeAfterReply: false);
        var results = await new NetworkDoctor(_settings with
        {
            Fqdns = ["api.appliance.test"],
            CloudEndpoints = [],
            StunServer = null,
            NtpServer = null,
            ContentFilter = null,
            Cameras = [new CameraTarget("hung", new Uri($"rtsp://127.0.0.1:{silent.Port}/x"), null)],
            PerCheckTimeout = TimeSpan.FromSeconds(3),
        }, _environment).RunAsync(CancellationToken.None);
        Print(results);
        Assert.Equal(CheckStatus.Pass, results[0].Status);
        Assert.Equal(CheckStatus.Fail, results[1].Status);
        Assert.Equal("no answer within 3 s", results[1].Detail);
        Assert.Equal($"Allow TCP {silent.Port} (RTSP) from the appliance to camera hung at 127.0.0.1 on the camera network.", results[1].Remediation);
    }

    private void Print(IEnumerable<CheckResult> results)
    {
        foreach (var r in results)
        {
            output.WriteLine($"{r.Status,-4} {r.Name,-14} {r.Target,-50} {r.LatencyMs,8:0.0} ms  {r.Detail}{(r.Remediation is null ? string.Empty : "  => " + r.Remediation)}");
        }
    }
}
