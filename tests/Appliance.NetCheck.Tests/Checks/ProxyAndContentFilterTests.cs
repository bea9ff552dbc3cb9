using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>
/// The proxy path (HTTP/1.1 CONNECT through a real tinyproxy to a TLS server) and content-filter detection: an
/// endless stream fetched directly, through tinyproxy (streams) and through a buffering proxy written here (holds
/// everything until end-of-file, as the OpenEye page describes media inspection).
/// </summary>
public sealed class ProxyAndContentFilterTests : IAsyncLifetime
{
    // tinyproxy resolves the CONNECT target itself; "localhost" is the one name it can resolve here (/etc/hosts).
    private const string CloudName = "localhost";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private readonly TempDir _dir = new();
    private TestCertificates _ca = null!;
    private OpensslServer _https = null!;
    private TestHttpServer _http = null!;

    public async Task InitializeAsync()
    {
        _ca = await TestCertificates.CreateCaAsync(_dir, "proxy");
        var (cert, key) = await _ca.IssueServerAsync(CloudName, 365, $"DNS:{CloudName}");
        _https = await OpensslServer.StartAsync(_dir, cert, key);
        _http = await TestHttpServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _https.Dispose();
        await _http.DisposeAsync();
        _dir.Dispose();
    }

    private ProxyConnectCheck Connect(int proxyPort, TestCertificates? trust = null)
        => new(new HostPort("127.0.0.1", proxyPort), new CloudEndpoint(CloudName, _https.Port, "test cloud"),
            Run.Loopback(CloudName), TlsTrust.CustomAnchors([(trust ?? _ca).CaCertificate]));

    [Fact]
    public async Task Connect_through_tinyproxy_then_tls_passes()
    {
        using var proxy = await Tinyproxy.StartAsync(_dir.Path);
        var result = await Run.CheckAsync(Connect(proxy.Port));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
        Assert.StartsWith("CONNECT 200", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_refusing_connect_to_the_port_fails_naming_it()
    {
        using var proxy = await Tinyproxy.StartAsync(_dir.Path, connectPorts: [443]);
        var result = await Run.CheckAsync(Connect(proxy.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("403", result.Detail, StringComparison.Ordinal);
        Assert.Equal($"Allow CONNECT to TCP {_https.Port} for {CloudName} on the proxy 127.0.0.1:{proxy.Port}.", result.Remediation);
    }

    [Fact]
    public async Task Tls_interception_through_the_tunnel_is_named()
    {
        using var proxy = await Tinyproxy.StartAsync(_dir.Path);
        var interceptor = await TestCertificates.CreateCaAsync(_dir, "interceptor");
        var result = await Run.CheckAsync(Connect(proxy.Port, interceptor));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("inspect TLS", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_proxy_fails_naming_its_port()
    {
        var proxy = await Tinyproxy.StartAsync(_dir.Path);
        proxy.Dispose();
        var result = await Run.CheckAsync(Connect(proxy.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Equal($"Allow outbound TCP {proxy.Port} from the appliance to the proxy 127.0.0.1.", result.Remediation);
    }

    [Fact]
    public async Task Hostile_proxy_reply_is_a_clear_error()
    {
        await using var hostile = new HostileTcpServer("SSH-2.0-OpenSSH_9.2\r\n\r\n"u8.ToArray());
        var result = await Run.CheckAsync(Connect(hostile.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("expected a HTTP/1 status line, got 'SSH-2.0-OpenSSH_9.2'", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_stream_is_steady()
    {
        var result = await Run.CheckAsync(new ContentFilterCheck(_http.StreamUrl, Window, Run.Loopback(), proxy: null));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
    }

    [Fact]
    public async Task Stream_through_tinyproxy_is_steady()
    {
        using var proxy = await Tinyproxy.StartAsync(_dir.Path);
        var result = await Run.CheckAsync(new ContentFilterCheck(_http.StreamUrl, Window, Run.Loopback(), new HostPort("127.0.0.1", proxy.Port)));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
    }

    [Fact]
    public async Task Buffering_proxy_holding_an_endless_stream_is_detected()
    {
        await using var proxy = new BufferingProxy();
        var result = await Run.CheckAsync(new ContentFilterCheck(_http.StreamUrl, Window, Run.Loopback(), new HostPort("127.0.0.1", proxy.Port)));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("end-of-file", result.Detail, StringComparison.Ordinal);
        Assert.Contains($"TCP {_http.Port}", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buffering_proxy_delivering_everything_at_end_of_file_is_detected()
    {
        await using var proxy = new BufferingProxy();
        var url = _http.FiniteUrl(1000);
        var result = await Run.CheckAsync(new ContentFilterCheck(url, TimeSpan.FromSeconds(4), Run.Loopback(), new HostPort("127.0.0.1", proxy.Port)));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("arrived at once", result.Detail, StringComparison.Ordinal);
    }
}
