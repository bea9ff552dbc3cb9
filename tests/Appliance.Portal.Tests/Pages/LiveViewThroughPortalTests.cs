using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 13's "the demo camera plays in Chromium", through the real host and portal: the RTSP ingest and WebRTC plugins
/// bundled, the GStreamer camera added through the API, a user signed in to the portal opens "Live view" from the
/// navigation, and the page's WHEP request (with the portal session's cookie and CSRF rules of the host, not a test
/// server) plays the camera: the tile decodes frames and names its path; the plugin lists the viewer's one session.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LiveViewThroughPortalTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_camera_plays_in_the_portals_live_view_over_WHEP()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360", path: "/lobby");
        var config = new JsonObject
        {
            ["appliance.webrtc"] = new JsonObject { ["udpPortRange"] = "53100-53199", ["hostAddresses"] = "127.0.0.1" },
        };
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest, BundledPlugins.WebRtc), pluginConfig: config);
        await host.LoginAsync();
        await host.UntilPluginRunningAsync("appliance.rtsp");
        await host.UntilPluginRunningAsync("appliance.webrtc");
        using (var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Lobby", streamUri = camera.Url }))
            added.EnsureSuccessStatusCode();

        var page = await browser.NewPageAsync(host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        await PortalSteps.LoginAsync(page);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Live view" }).ClickAsync();
        var tile = page.Locator(".webrtc-tile[data-stream='camera/lobby']");
        await Expect(tile).ToHaveCountAsync(1);
        await Eventually.UntilAsync(async () => long.TryParse(await tile.GetAttributeAsync("data-frames-decoded"), out var frames) && frames > 25,
            "the live view decoding the camera's frames", TimeSpan.FromSeconds(60),
            () => $"tile: {page.Locator(".webrtc-tile").First.InnerTextAsync().GetAwaiter().GetResult()}");
        Assert.False(string.IsNullOrEmpty(await tile.GetAttributeAsync("data-path")));
        await PortalSteps.ScreenshotAsync(page, "13-live-view");

        var sessions = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.webrtc/sessions");
        var session = Assert.Single(sessions.EnumerateArray());
        Assert.True(session.GetProperty("FramesSent").GetInt64() > 25, session.ToString());
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }
}
