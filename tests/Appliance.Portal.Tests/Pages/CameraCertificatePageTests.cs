using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 11 item 3 in Chromium: an HTTPS ONVIF camera with a self-signed certificate (the ONVIF simulator with a
/// certificate of a test CA the system does not trust) is refused until an administrator compares and confirms its
/// fingerprint on the camera's certificate page; then it is pinned and the camera's stream is found. The camera comes
/// back with another certificate: the page shows both fingerprints and that it is refused; forgetting the pin works.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CameraCertificatePageTests(BrowserFixture browser) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-camera-pki-").FullName;

    private static X509Certificate2 Load((string Certificate, string Key) pem)
    {
        using var loaded = X509Certificate2.CreateFromPemFile(pem.Certificate, pem.Key);
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
    }

    private static string Fingerprint(X509Certificate2 certificate)
    {
        var hex = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        return string.Join(':', hex.Chunk(2).Select(pair => new string(pair)));
    }

    [Fact]
    public async Task A_self_signed_camera_is_pinned_on_confirmation_and_its_replacement_is_shown_as_refused()
    {
        using var pki = TestPki.Create(_folder, "camera-maker");
        using var first = Load(pki.Server("camera-1"));
        using var second = Load(pki.Server("camera-2"));
        const string streamUri = "rtsp://127.0.0.1:9/gatehouse";
        var simulator = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { Certificate = first, StreamUri = streamUri });
        var port = simulator.BaseUri.Port;
        try
        {
            await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.Onvif), pluginConfig: QuietOnvif.WithoutFacade());
            await host.LoginAsync();
            await host.UntilPluginRunningAsync("appliance.onvif");
            var page = await browser.NewPageAsync(host.BaseUri);
            var errors = PortalSteps.ConsoleErrors(page);
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await PortalSteps.LoginAsync(page);
            // Added on the camera page: an administrator is taken to the certificate at once, which waits for the
            // plugin's first contact and then shows the fingerprint.
            await page.GotoAsync("/Cameras");
            await page.GetByLabel("Name (optional)").FillAsync("Gatehouse");
            await page.GetByLabel("or ONVIF device address").FillAsync(simulator.DeviceServiceUri.ToString());
            await page.GetByLabel("User (optional)").FillAsync(simulator.Options.Username);
            await page.GetByLabel("Password (optional)").FillAsync(simulator.Options.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Added camera Gatehouse (gatehouse).");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Cameras/Certificate/gatehouse"));
            await Expect(page.Locator("[data-field=state]")).ToHaveTextAsync("not trusted yet", new() { Timeout = 60000 });
            await page.GotoAsync("/Cameras");
            await page.GetByRole(AriaRole.Link, new() { Name = "Certificate of Gatehouse" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Certificate of Gatehouse", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("[data-field=state]")).ToHaveTextAsync("not trusted yet");
            await Expect(page.Locator("[data-field=presented]")).ToHaveTextAsync(Fingerprint(first));
            await Expect(page.Locator("[data-field=pinned]")).ToHaveTextAsync("none");
            // Never stored before the confirmation: the stream is not known yet.
            Assert.Null((await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/gatehouse")).GetProperty("streamUri").GetString());
            await PortalSteps.ScreenshotAsync(page, "11-certificate-untrusted");

            await page.GetByLabel("I compared the fingerprints and they are the same").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Trust this certificate" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Pinned the certificate of Gatehouse");
            await Expect(page.Locator("[data-field=pinned]")).ToHaveTextAsync(Fingerprint(first));
            await Eventually.UntilAsync(async () => (await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/gatehouse")).GetProperty("streamUri").GetString() == streamUri,
                "the pinned camera's stream found over HTTPS");
            await UntilStateAsync(host, "pinned");
            await page.ReloadAsync();
            await Expect(page.Locator("[data-field=state]")).ToHaveTextAsync("pinned");
            await Expect(page.Locator("#confirm-certificate")).ToHaveCountAsync(0);

            // The camera is back on the same address with another certificate: refused, both fingerprints shown.
            await simulator.DisposeAsync();
            simulator = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { Certificate = second, Port = port, StreamUri = streamUri });
            await UntilStateAsync(host, "changed");
            await page.ReloadAsync();
            await Expect(page.Locator("[data-field=state]")).ToHaveTextAsync("changed: refused");
            await Expect(page.Locator("[data-field=presented]")).ToHaveTextAsync(Fingerprint(second));
            await Expect(page.Locator("[data-field=pinned]")).ToHaveTextAsync(Fingerprint(first));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Trust the new certificate" })).ToBeVisibleAsync();
            await PortalSteps.ScreenshotAsync(page, "11-certificate-changed");

            await page.GetByRole(AriaRole.Button, new() { Name = "Forget the pin" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Forgot the pinned certificate of Gatehouse");
            await Expect(page.Locator("[data-field=pinned]")).ToHaveTextAsync("none");
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            await page.Context.CloseAsync();
        }
        finally
        {
            await simulator.DisposeAsync();
        }
    }

    /// <summary>Waits until the ONVIF plugin reports the camera's certificate in <paramref name="state"/>.</summary>
    private static Task UntilStateAsync(HostProcess host, string state) =>
        Eventually.UntilAsync(async () =>
        {
            var certificate = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.onvif/cameras/gatehouse/certificate");
            return certificate.GetProperty("state").GetString() == state;
        }, $"the camera's certificate {state}", TimeSpan.FromSeconds(60));

    public void Dispose() => TempDirectory.Delete(_folder);
}
