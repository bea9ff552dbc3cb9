using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class CamerasPageTests(BrowserFixture browser, AdminHostFixture admin)
{
    [Fact]
    public async Task AnRtspCameraAddedByUrl_IsListedWithoutItsPassword_AndRemoved()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");

        await page.GetByLabel("Name (optional)").FillAsync("Loading dock");
        await page.GetByLabel("RTSP URL").FillAsync("rtsp://127.0.0.1:8554/dock");
        await page.GetByLabel("User (optional)").FillAsync("viewer");
        await page.GetByLabel("Password (optional)").FillAsync("dock-secret-pw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Added camera Loading dock (loading-dock).");

        var row = page.Locator("tr[data-camera='loading-dock']");
        await Expect(row).ToContainTextAsync("rtsp://127.0.0.1:8554/dock");
        await Expect(row).ToContainTextAsync("user viewer, password set");
        await Expect(row).ToContainTextAsync("no stream health yet");
        Assert.DoesNotContain("dock-secret-pw", await page.ContentAsync());
        var stored = await admin.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/loading-dock");
        Assert.Equal("rtsp://127.0.0.1:8554/dock", stored.GetProperty("streamUri").GetString());
        Assert.True(stored.GetProperty("hasPassword").GetBoolean());
        await PortalSteps.ScreenshotAsync(page, "11-cameras-added");

        await row.GetByRole(AriaRole.Button, new() { Name = "Remove Loading dock" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Removed camera loading-dock.");
        await Expect(row).ToHaveCountAsync(0);
        using var gone = await admin.Host.Client.GetAsync("/api/v1/cameras/loading-dock");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task StreamHealthReportedByAPlugin_IsShownWithEveryFigure()
    {
        var zip = TestPluginPackage.Create(Directory.CreateTempSubdirectory("appl-portal-zip-").FullName);
        using (var install = await admin.Host.Client.PostAsync("/api/v1/plugins", new ByteArrayContent(await File.ReadAllBytesAsync(zip))))
            install.EnsureSuccessStatusCode();
        try
        {
            var page = await browser.NewPageAsync(admin.Host.BaseUri);
            await PortalSteps.LoginAsync(page);
            await page.GotoAsync("/Cameras");
            await page.GetByLabel("Name (optional)").FillAsync("Gate");
            await page.GetByLabel("RTSP URL").FillAsync("rtsp://127.0.0.1:1/synthetic-health");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Added camera Gate (gate).");

            var cells = page.Locator("tr[data-camera='gate'] td");
            await Expect(cells).ToHaveTextAsync(
            [
                "RTSP rtsp://127.0.0.1:1/synthetic-health", "Streaming H264/tcp", "25.0", "4096 kbit/s", "2.00 s", "0.50 % (50 of 10000)", "3",
                "read timeout (synthetic)", "Test Edit Remove",
            ]);
            await PortalSteps.ScreenshotAsync(page, "11b-cameras-health");

            // "Test" runs RTSP OPTIONS against the camera: nothing listens on port 1, so it fails with a remediation.
            await page.Locator("tr[data-camera='gate'] button", new() { HasText = "Test" }).ClickAsync();
            var test = page.Locator("#camera-test");
            await Expect(test).ToContainTextAsync("camera-rtsp");
            await Expect(test).ToContainTextAsync("Fail");
            await Expect(test).ToContainTextAsync("TCP 1");
            await PortalSteps.ScreenshotAsync(page, "11c-cameras-test");
            await page.Context.CloseAsync();
        }
        finally
        {
            using (await admin.Host.Client.DeleteAsync("/api/v1/cameras/gate")) { }
            using (await admin.Host.Client.DeleteAsync($"/api/v1/plugins/{TestPluginPackage.Id}")) { }
            TempDirectory.Delete(Path.GetDirectoryName(zip)!);
        }
    }

    [Fact]
    public async Task BadAddresses_AreRefusedWithEachFieldsError_AndNothingIsAdded()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");
        var before = (await admin.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras")).GetArrayLength();

        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(page.Locator("#add-errors li")).ToHaveTextAsync(["streamUri: give an RTSP URL or an ONVIF device address (onvifUri)"]);

        await page.GetByLabel("RTSP URL").FillAsync("http://127.0.0.1/not-rtsp");
        await page.GetByLabel("or ONVIF device address").FillAsync("ftp://127.0.0.1/");
        await page.GetByLabel("Password (optional)").FillAsync("kept-secret-pw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(page.Locator("#add-errors li")).ToHaveTextAsync(
        [
            "streamUri: 'http://127.0.0.1/not-rtsp' is not an rtsp:// or rtsps:// URL with a host",
            "onvifUri: 'ftp://127.0.0.1/' is not an http:// or https:// URL with a host",
        ]);
        await Expect(page.GetByLabel("RTSP URL")).ToHaveValueAsync("http://127.0.0.1/not-rtsp");
        Assert.DoesNotContain("kept-secret-pw", await page.ContentAsync());
        await PortalSteps.ScreenshotAsync(page, "12-cameras-refused");
        Assert.Equal(before, (await admin.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras")).GetArrayLength());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Discover_SaysWhenDiscoveryIsOff_AsksThePluginsWhenOn_AndTheFoundDeviceAppearsLive_AndIsAddedWithOneClick()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");
        // No plugin takes discovery requests yet: the page says so instead of pretending.
        await page.GetByRole(AriaRole.Button, new() { Name = "Discover cameras" }).ClickAsync();
        await Expect(PortalSteps.Alert(page)).ToContainTextAsync("Discovery is switched off");
        await Expect(PortalSteps.Alert(page)).ToContainTextAsync("discovery.wsDiscovery");

        // The test plugin stands in for a discovery plugin: it answers each request with one device ("Yard camera").
        var zip = TestPluginPackage.Create(Directory.CreateTempSubdirectory("appl-portal-zip-").FullName);
        using (var install = await admin.Host.Client.PostAsync("/api/v1/plugins", new ByteArrayContent(await File.ReadAllBytesAsync(zip))))
            install.EnsureSuccessStatusCode();
        try
        {
            await page.GotoAsync("/Cameras");
            await page.GetByRole(AriaRole.Button, new() { Name = "Discover cameras" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Discovery requested. Devices appear under Discovered devices as the discovery plugins find them.");
            var requests = await admin.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=DiscoveryRequested&limit=5");
            Assert.Contains(requests.EnumerateArray(), e => e.GetProperty("data").GetProperty("requestedBy").GetString() == "admin");

            // The device the plugin found appears without a reload: the page after the POST's redirect either has it
            // already or gets it from the stream (the document is marked: a reload would clear the mark).
            await PortalSteps.MarkDocumentAsync(page);
            var found = page.Locator("#discovered tbody tr").Filter(new() { HasText = "Yard camera" });
            await Expect(found).ToContainTextAsync("http://127.0.0.1:18080/onvif/device_service");
            await Expect(found).ToContainTextAsync("SimCam 1");
            Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the discovered device came by a reload");
            await PortalSteps.ScreenshotAsync(page, "13-cameras-discovered");

            await found.GetByRole(AriaRole.Button, new() { Name = "Add Yard camera" }).ClickAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Added camera Yard camera (yard-camera).");
            await Expect(page.Locator("tr[data-camera='yard-camera']")).ToContainTextAsync("ONVIF http://127.0.0.1:18080/onvif/device_service");
            await Expect(found).ToContainTextAsync("in the inventory");
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            await page.Context.CloseAsync();
        }
        finally
        {
            using (await admin.Host.Client.DeleteAsync("/api/v1/cameras/yard-camera")) { }
            using (await admin.Host.Client.DeleteAsync($"/api/v1/plugins/{TestPluginPackage.Id}")) { }
            TempDirectory.Delete(Path.GetDirectoryName(zip)!);
        }
    }
}
