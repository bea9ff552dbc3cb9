using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class OverviewPageTests(BrowserFixture browser, AdminHostFixture admin)
{
    [Fact]
    public async Task Overview_ShowsVersionHostnameUptimeCpuMemoryDiskTemperature_AndTheCertificateFingerprint()
    {
        var status = await admin.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/status");
        var system = status.GetProperty("system");
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        await Expect(Field(page, "version")).ToHaveTextAsync(system.GetProperty("version").GetString()!);
        await Expect(Field(page, "hostname")).ToHaveTextAsync(system.GetProperty("hostname").GetString()!);
        await Expect(Field(page, "uptime")).ToHaveTextAsync(new Regex(@"^\d+ (d|h|min|s).*\(appliance service: \d+ (d|h|min|s).*\)$"));
        await Expect(Field(page, "cpu")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d %$"));
        await Expect(Field(page, "memory")).ToHaveTextAsync(new Regex(@"^[\d.]+ (MiB|GiB|TiB) used of [\d.]+ (MiB|GiB|TiB) \(\d+ %\); appliance service [\d.]+ (KiB|MiB|GiB)"));
        await Expect(Field(page, "disk")).ToHaveTextAsync(new Regex(@"^[\d.]+ (B|KiB|MiB|GiB|TiB) free of [\d.]+ (MiB|GiB|TiB) \(\d+ % used\)"));
        var temperature = system.GetProperty("temperatureCelsius");
        if (temperature.ValueKind == JsonValueKind.Null)
            await Expect(Field(page, "temperature")).ToHaveTextAsync("not exposed by this board");
        else
            await Expect(Field(page, "temperature")).ToHaveTextAsync(new Regex(@"^-?\d+\.\d °C$"));
        await Expect(Field(page, "overall")).ToHaveTextAsync(new Regex("^(Healthy|Degraded|Unhealthy)$"));

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(admin.Host.DataDirectory, "certificates", "portal.pfx"), null);
        var expected = string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2).Select(c => new string(c)));
        await Expect(Field(page, "certificate")).ToHaveTextAsync(expected);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in new[] { "Overview", "Cameras", "Plugins", "Events" })
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToHaveAttributeAsync("aria-current", "page");
        await PortalSteps.ScreenshotAsync(page, "05-overview");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryPage_SendsTheSecurityHeaders_AndTheStylesheetLoads()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var response = await page.GotoAsync("/Login");
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        var css = await page.APIRequest.GetAsync("/css/site.css");
        Assert.Equal(200, css.Status);
        Assert.Contains("text/css", css.Headers["content-type"]);
        await page.Context.CloseAsync();
    }

    private static ILocator Field(IPage page, string name) => page.Locator($"[data-field={name}]");
}
