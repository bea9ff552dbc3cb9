using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Appliance.Testing.DBus;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 15 item 1, the first steps end to end in Chromium: the time zone set through timedated (python3-dbusmock on a
/// private bus), the network shown from NetworkManager (mocked) and kept, WS-Discovery switched off with what it sends
/// named (the ONVIF plugin restarts with it), a first camera proved and added (GStreamer test pattern, RTSP plugin);
/// the Overview's reminder goes once every step is done or skipped, and the System page leads back to them.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class WelcomePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task TheFirstSteps_SetTime_KeepNetwork_SwitchDiscovery_AddACamera_AndCanBeRevisited()
    {
        await using var bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartSystemdAsync(bus, "appliance.service");
        await ApplianceMocks.StartTimedatedAsync(bus, "Europe/Vienna");
        await ApplianceMocks.StartLogindAsync(bus);
        await ApplianceMocks.StartNetworkManagerAsync(bus, "eth0");
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), path: "/first");
        var data = Directory.CreateTempSubdirectory("appl-welcome-").FullName;
        var plugins = new JsonObject
        {
            ["appliance.onvif"] = new JsonObject
            {
                ["discovery"] = new JsonObject { ["mdns"] = false },
                ["facade"] = new JsonObject { ["enabled"] = false, ["wsDiscovery"] = false },
            },
        };
        await using var host = await HostProcess.StartAsync(data, BundledPlugins.Stage(BundledPlugins.Onvif, BundledPlugins.RtspIngest), new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = bus.Address,
                ["units"] = new JsonArray("appliance.service"),
                ["timesyncdDropIn"] = Path.Combine(data, "timesyncd.conf.d", "appliance.conf"),
                ["clockProbe"] = false,
                ["journalctlPath"] = "/nonexistent/journalctl",
            },
        }, plugins);
        await host.LoginAsync();
        foreach (var plugin in new[] { "appliance.onvif", "appliance.rtsp" }) await host.UntilPluginRunningAsync(plugin);

        var page = await browser.NewPageAsync(host.BaseUri);
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await PortalSteps.LoginAsync(page);
        await Expect(page.Locator("#first-steps-reminder")).ToContainTextAsync("4 of 4 first steps are still open");
        await page.GetByRole(AriaRole.Link, new() { Name = "continue setting up" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Time zone and network time", Level = 2 })).ToBeVisibleAsync();

        // Time: the zone goes to timedated.
        await page.GetByLabel("Time zone (e.g. Europe/Berlin)").FillAsync("America/Chicago");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Network", Level = 2 })).ToBeVisibleAsync();
        Assert.Equal("America/Chicago", (await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/time")).GetProperty("timezone").GetString());

        // Network: NetworkManager's eth0 shown and kept.
        await Expect(page.Locator("#network-now tr[data-interface=eth0]")).ToContainTextAsync("DHCP");
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep these settings" }).ClickAsync();

        // Discovery: WS-Discovery on (the default), mDNS off (configured); each names what it sends.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Camera discovery", Level = 2 })).ToBeVisibleAsync();
        var ws = page.Locator("fieldset[data-switch='appliance.onvif/discovery.wsDiscovery']");
        await Expect(ws.Locator("input")).ToBeCheckedAsync();
        await Expect(ws.Locator("ul.sends")).ToContainTextAsync("UDP 3702 to multicast group 239.255.255.250");
        await Expect(page.Locator("fieldset[data-switch='appliance.onvif/discovery.mdns'] input")).Not.ToBeCheckedAsync();
        await ws.Locator("input").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Discovery is off");
        var onvif = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/appliance.onvif/config");
        Assert.False(onvif.GetProperty("config").GetProperty("discovery").GetProperty("wsDiscovery").GetBoolean());

        // First camera: a wrong path is refused with the reason, the right one is proved and added.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "First camera", Level = 2 })).ToBeVisibleAsync();
        await page.GetByLabel("Name").FillAsync("Entrance");
        await page.GetByLabel("RTSP URL").FillAsync(camera.Url.Replace("/first", "/nothing-here"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add and continue" }).ClickAsync();
        await Expect(PortalSteps.Alert(page)).ToContainTextAsync("404");
        await page.GetByLabel("RTSP URL").FillAsync(camera.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add and continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ready", Level = 2 })).ToBeVisibleAsync();
        await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Added camera Entrance");
        await Expect(page.Locator("#first-run-steps li[data-state=done]")).ToHaveCountAsync(4);
        await BrowserFixture.ScreenshotAsync(page, "portal", "20-first-steps-ready");

        // Nothing open: no reminder; the System page leads back to the steps, and a step can be skipped when revisited.
        await page.GotoAsync("/");
        await Expect(page.Locator("#first-steps-reminder")).ToHaveCountAsync(0);
        await page.GotoAsync("/System");
        await page.GetByRole(AriaRole.Link, new() { Name = "Go through the first steps" }).ClickAsync();
        await Expect(page.Locator("#timezone")).ToHaveValueAsync("America/Chicago");
        await page.GetByRole(AriaRole.Button, new() { Name = "Skip this step" }).ClickAsync();
        await Expect(page.Locator("#first-run-steps li[data-step=time]")).ToHaveAttributeAsync("data-state", "skipped");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
