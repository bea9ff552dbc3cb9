using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 12 item 3 in Chromium: with the RTSP server and ONVIF plugins bundled (on free ports, ONVIF discovery off), the
/// camera page shows each camera's RTSP URL and the ONVIF device service, each with a copy button that puts the text on
/// the clipboard (a script from wwwroot, under the portal's CSP).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CameraUrlsPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task EachCamerasRtspUrlAndTheOnvifAddressAreShownWithCopyButtons()
    {
        var facadePort = FreePort.Tcp();
        var rtspPort = FreePort.Tcp();
        var config = QuietOnvif.WithFacade(facadePort, rtspPort);
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspServer, BundledPlugins.Onvif), pluginConfig: config);
        await host.LoginAsync();
        using (var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Back door", streamUri = "rtsp://127.0.0.1:9/back" }))
            added.EnsureSuccessStatusCode();
        foreach (var plugin in new[] { "appliance.onvif", "appliance.rtsp-server" })
            await host.UntilPluginRunningAsync(plugin);

        var page = await browser.NewPageAsync(host.BaseUri);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = host.BaseUri.GetLeftPart(UriPartial.Authority) });
        var blocked = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blocked.Add(message.Text); };
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");

        var rtsp = $"rtsp://127.0.0.1:{rtspPort}/camera/back-door";
        var onvif = $"http://127.0.0.1:{facadePort}/onvif/device_service";
        var row = page.Locator("#camera-urls tr[data-camera-urls='back-door']");
        await Expect(row.Locator("code.rtsp-url")).ToHaveTextAsync(rtsp);
        await Expect(row.Locator("code.onvif-address")).ToHaveTextAsync(onvif);
        await Expect(row).ToContainTextAsync("profile p_back-door");

        var copyRtsp = row.GetByRole(AriaRole.Button, new() { Name = "Copy the RTSP URL of Back door" });
        await copyRtsp.ClickAsync();
        await Expect(copyRtsp).ToHaveTextAsync("Copied");
        Assert.Equal(rtsp, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var copyOnvif = row.GetByRole(AriaRole.Button, new() { Name = "Copy the ONVIF address" });
        await copyOnvif.ClickAsync();
        await Expect(copyOnvif).ToHaveTextAsync("Copied");
        Assert.Equal(onvif, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Empty(blocked);
        await PortalSteps.ScreenshotAsync(page, "14-camera-vms-addresses");
        await page.Context.CloseAsync();
    }
}
