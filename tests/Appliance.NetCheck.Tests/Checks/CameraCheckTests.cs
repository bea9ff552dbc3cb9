using System.Globalization;
using System.Text;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>Camera reachability: RTSP OPTIONS against a GStreamer rtsp-server, ONVIF GetSystemDateAndTime against an in-test device.</summary>
public sealed class CameraCheckTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestHttpServer _onvif = null!;

    public async Task InitializeAsync() => _onvif = await TestHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _onvif.DisposeAsync();
        _dir.Dispose();
    }

    private static RtspOptionsCheck Rtsp(Uri uri) => new(new CameraTarget("cam1", uri, null), uri, Run.Loopback());

    private OnvifTimeCheck Onvif(Uri? uri = null)
        => new(new CameraTarget("cam1", null, uri ?? _onvif.OnvifUrl), uri ?? _onvif.OnvifUrl, Run.Loopback(), TimeProvider.System, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Rtsp_options_against_gstreamer_passes_and_lists_methods()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 240 --fps 5");
        var result = await Run.CheckAsync(Rtsp(camera.Uri));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
        Assert.Contains("DESCRIBE", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_rtsp_server_fails_naming_the_port()
    {
        var port = FreePort.Tcp();
        var result = await Run.CheckAsync(Rtsp(new Uri($"rtsp://127.0.0.1:{port}/cam")));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("refused", result.Detail, StringComparison.Ordinal);
        Assert.Contains($"TCP {port}", result.Remediation, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, CheckStatus, string> RtspReplies() => new()
    {
        { "http server", "HTTP/1.1 400 Bad Request\r\n\r\n", CheckStatus.Fail, "expected a RTSP/1.0 status line" },
        { "wrong cseq", "RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n", CheckStatus.Fail, "CSeq '5', expected 1" },
        { "not found", "RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n", CheckStatus.Fail, "answered OPTIONS with 404 Not Found" },
        { "needs auth", "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n", CheckStatus.Warn, "asks for credentials" },
        { "closes early", "RTSP/1.0 200 OK\r\nCSe", CheckStatus.Fail, "closed the connection after 20 bytes" },
        { "silent close", "", CheckStatus.Fail, "closed the connection without answering" },
    };

    [Theory]
    [MemberData(nameof(RtspReplies))]
    public async Task Hostile_or_unusual_rtsp_replies_are_reported(string name, string reply, CheckStatus status, string expected)
    {
        await using var server = new HostileTcpServer(Encoding.ASCII.GetBytes(reply));
        var result = await Run.CheckAsync(Rtsp(new Uri($"rtsp://127.0.0.1:{server.Port}/cam")));
        Assert.True(status == result.Status, $"{name}: {result.Detail}");
        Assert.Contains(expected, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_rtsp_head_is_refused()
    {
        await using var server = new HostileTcpServer(Encoding.ASCII.GetBytes("RTSP/1.0 200 OK\r\nX: " + new string('a', 20_000)), closeAfterReply: false);
        var result = await Run.CheckAsync(Rtsp(new Uri($"rtsp://127.0.0.1:{server.Port}/cam")));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("exceeds 16384 bytes", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onvif_device_with_a_good_clock_passes()
    {
        var result = await Run.CheckAsync(Onvif());
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
        Assert.Contains("(NTP)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onvif_device_with_a_skewed_clock_warns()
    {
        _onvif.OnvifSkew = TimeSpan.FromMinutes(-3);
        var result = await Run.CheckAsync(Onvif());
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.Contains("skew -18", result.Detail, StringComparison.Ordinal);
        Assert.Contains("UDP 123", result.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OnvifBehavior.Fault, CheckStatus.Fail, "SOAP fault env:Sender/ter:NotAuthorized")]
    [InlineData(OnvifBehavior.Unauthorized, CheckStatus.Warn, "requires authentication")]
    [InlineData(OnvifBehavior.Xxe, CheckStatus.Fail, "DTD is prohibited")]
    [InlineData(OnvifBehavior.BillionLaughs, CheckStatus.Fail, "DTD is prohibited")]
    [InlineData(OnvifBehavior.NotXml, CheckStatus.Fail, "not acceptable XML")]
    [InlineData(OnvifBehavior.Oversized, CheckStatus.Fail, "exceeds 65536 bytes")]
    public async Task Hostile_onvif_replies_are_reported(OnvifBehavior behavior, CheckStatus status, string expected)
    {
        _onvif.Onvif = behavior;
        var result = await Run.CheckAsync(Onvif());
        Assert.True(status == result.Status, result.Detail);
        Assert.Contains(expected, result.Detail, StringComparison.Ordinal);
        Assert.Contains($"TCP {_onvif.Port.ToString(CultureInfo.InvariantCulture)}", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_onvif_device_fails_naming_the_port()
    {
        var port = FreePort.Tcp();
        var result = await Run.CheckAsync(Onvif(new Uri($"http://127.0.0.1:{port}/onvif/device_service")));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Equal($"Allow TCP {port} (HTTP, ONVIF) from the appliance to camera cam1 at 127.0.0.1.", result.Remediation);
    }
}
