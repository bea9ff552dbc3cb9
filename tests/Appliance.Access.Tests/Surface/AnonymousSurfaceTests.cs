using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.Surface;

/// <summary>Finding "anonymous surface": /metrics, /healthz, Host-header redirects, CBC suites.</summary>
public sealed class AnonymousSurfaceTests : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AccessHost.StartAsync();
        await _host.SetUpAdminAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Healthz_TellsTheStatusOnly()
    {
        using var stranger = _host.Client(AccessHost.Elsewhere(80));
        var health = await stranger.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal(["status"], health.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Metrics_NeedATokenOrAManagementSource()
    {
        using (var stranger = _host.Client(AccessHost.Elsewhere(81)))
        using (var refused = await stranger.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("appliance_plugins", await refused.Content.ReadAsStringAsync());
        }
        using (var withToken = _host.TokenClient(await _host.TokenAsync(), AccessHost.Elsewhere(81)))
        using (var ok = await withToken.GetAsync("/metrics"))
            Assert.Contains("appliance_plugins", await ok.Content.ReadAsStringAsync());
        using (var box = _host.Client())
        using (var ok = await box.GetAsync("/metrics"))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task PlainHttpRedirects_GoToTheConfiguredHost_NeverToTheHostHeader()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_host.HttpPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Login");
        request.Headers.Host = "evil.example";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://127.0.0.1:{_host.HttpsPort}/Login", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("ECDHE-ECDSA-AES128-SHA", false)]
    [InlineData("ECDHE-ECDSA-AES256-SHA384", false)]
    [InlineData("ECDHE-ECDSA-AES128-GCM-SHA256", true)]
    public async Task Tls12_OffersAeadSuitesOnly(string cipher, bool accepted)
    {
        var info = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{_host.HttpsPort}", "-tls1_2", "-cipher", cipher])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var openssl = Process.Start(info)!;
        openssl.StandardInput.Close();
        var output = await openssl.StandardOutput.ReadToEndAsync() + await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        var negotiated = System.Text.RegularExpressions.Regex.IsMatch(output, $@"Cipher is {System.Text.RegularExpressions.Regex.Escape(cipher)}\b");
        Assert.True(negotiated == accepted, output);
    }
}
