using System.Globalization;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>
/// TCP + TLS with certificate validation against real servers: openssl s_server (HTTPS-style) and mosquitto's TLS
/// listener (MQTT over TLS), certificates made by openssl for the test; the test CA is the only trust anchor.
/// </summary>
public sealed class TlsCheckTests : IAsyncLifetime
{
    private const string CloudName = "cloud.appliance.test";
    private readonly TempDir _dir = new();
    private TestCertificates _ca = null!;
    private OpensslServer _https = null!;
    private MosquittoTls _mqtt = null!;

    public async Task InitializeAsync()
    {
        _ca = await TestCertificates.CreateCaAsync(_dir, "good");
        var (cert, key) = await _ca.IssueServerAsync(CloudName, 365, $"DNS:{CloudName}", "IP:127.0.0.1");
        _https = await OpensslServer.StartAsync(_dir, cert, key);
        _mqtt = await MosquittoTls.StartAsync(_dir, cert, key, _ca.CaCert);
    }

    public Task DisposeAsync()
    {
        _https.Dispose();
        _mqtt.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private TlsEndpointCheck Check(string host, int port, TestCertificates? trust = null)
        => new(new CloudEndpoint(host, port, "test cloud"), Run.Loopback(CloudName, "other.appliance.test"),
            TlsTrust.CustomAnchors([(trust ?? _ca).CaCertificate]), TimeProvider.System);

    [Fact]
    public async Task Https_endpoint_with_a_trusted_certificate_passes()
    {
        var result = await Run.CheckAsync(Check(CloudName, _https.Port));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
        Assert.Contains("CN=cloud.appliance.test", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.LatencyMs);
    }

    [Fact]
    public async Task Mqtt_tls_endpoint_passes()
    {
        var result = await Run.CheckAsync(Check(CloudName, _mqtt.Port));
        Assert.True(result.Status == CheckStatus.Pass, result.Detail);
    }

    [Fact]
    public async Task Certificate_from_an_untrusted_ca_fails_with_tls_remediation()
    {
        var other = await TestCertificates.CreateCaAsync(_dir, "other");
        var result = await Run.CheckAsync(Check(CloudName, _https.Port, other));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("RemoteCertificateChainErrors", result.Detail, StringComparison.Ordinal);
        Assert.Contains($"TCP {_https.Port}", result.Remediation, StringComparison.Ordinal);
        Assert.Contains("TLS", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_for_another_name_fails()
    {
        var result = await Run.CheckAsync(Check("other.appliance.test", _mqtt.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("RemoteCertificateNameMismatch", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_about_to_expire_warns()
    {
        var (cert, key) = await _ca.IssueServerAsync("short." + CloudName, 3, $"DNS:{CloudName}");
        using var shortLived = await OpensslServer.StartAsync(_dir, cert, key);
        var result = await Run.CheckAsync(Check(CloudName, shortLived.Port));
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.Contains("expires within 14 days", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_endpoint_fails_naming_the_tcp_port()
    {
        var (cert, key) = await _ca.IssueServerAsync("stopped." + CloudName, 365, $"DNS:{CloudName}");
        var server = await OpensslServer.StartAsync(_dir, cert, key);
        server.Dispose();
        var result = await Run.CheckAsync(Check(CloudName, server.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("refused", result.Detail, StringComparison.Ordinal);
        Assert.Equal($"Allow outbound TCP {server.Port} to {CloudName} (test cloud).", result.Remediation);
    }

    [Fact]
    public async Task Plaintext_service_on_the_port_fails_cleanly()
    {
        await using var plain = new HostileTcpServer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var result = await Run.CheckAsync(Check(CloudName, plain.Port));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains(plain.Port.ToString(CultureInfo.InvariantCulture), result.Remediation, StringComparison.Ordinal);
    }
}
