using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 15 item 5 with a real plugin: the ONVIF plugin runs with WS-Discovery and mDNS switched off, so the
/// requirements page lists none of their ports until "show all" adds them marked as not in use (the download follows
/// the switch); a camera on port 8554 has its own row; the page prints without navigation or buttons.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RequirementsInUseTests(BrowserFixture browser)
{
    [Fact]
    public async Task SwitchedOffDiscovery_IsListedOnlyWithShowAll_AsNotInUse_AndACameraPortHasItsRow()
    {
        var facadePort = FreePort.Tcp();
        var config = new JsonObject
        {
            ["appliance.onvif"] = new JsonObject
            {
                ["discovery"] = new JsonObject { ["wsDiscovery"] = false, ["mdns"] = false },
                ["facade"] = new JsonObject { ["port"] = facadePort, ["bindAddress"] = "127.0.0.1", ["wsDiscovery"] = false },
            },
        };
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.Onvif), pluginConfig: config);
        await host.LoginAsync();
        using (var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Yard", streamUri = "rtsp://127.0.0.1:8554/main" }))
            added.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(async () => (await host.Client.GetFromJsonAsync<JsonObject>("/api/v1/plugins/appliance.onvif"))!["state"]!.ToString(),
            state => state == "Running", "the ONVIF plugin running", TimeSpan.FromSeconds(60));

        var page = await browser.NewPageAsync(host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Network/Requirements");
        var rows = page.Locator("#requirements tbody tr");
        var onvif = page.Locator("#requirements tbody tr[data-owner='appliance.onvif']");
        await Expect(onvif.Filter(new() { Has = page.Locator($"td[data-field=ports]:text-is('{facadePort}')") })).ToHaveCountAsync(1);
        foreach (var port in new[] { "3702", "5353" })
            await Expect(onvif.Filter(new() { Has = page.Locator($"td[data-field=ports]:text-is('{port}')") })).ToHaveCountAsync(0);
        await Expect(page.Locator("#requirements tbody tr[data-owner='camera Yard'] td[data-field=ports]")).ToHaveTextAsync("8554");
        await Expect(page.Locator("#requirements tbody tr[data-owner='camera Yard'] td[data-field=to]")).ToHaveTextAsync("127.0.0.1 (cameras)");
        var inUse = await rows.CountAsync();
        var download = await page.APIRequest.GetAsync("/api/v1/network/requirements?format=csv");
        Assert.DoesNotContain(",3702,", await download.TextAsync());

        await page.GetByLabel("Show all").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"all=true"));
        var switchedOff = page.Locator("#requirements tbody tr[data-in-use='false']");
        // WS-Discovery in and out for cameras and for VMS clients, mDNS in and out.
        await Expect(switchedOff).ToHaveCountAsync(6);
        Assert.Equal(inUse + 6, await rows.CountAsync());
        await Expect(switchedOff.First).ToContainTextAsync("not in use: switched off by");
        var all = await page.APIRequest.GetAsync((await page.Locator("a[data-format=csv]").GetAttributeAsync("href"))!);
        Assert.Contains(",3702,", await all.TextAsync());

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeHiddenAsync();
        await Expect(page.Locator("p.downloads")).ToBeHiddenAsync();
        await Expect(page.Locator("#requirements")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
