using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 15 item 2, "offer the ONVIF profiles to choose from", in Chromium: on the add form, "Find profiles" shows
/// once an ONVIF address is typed, lists the ONVIF simulator's profiles, and the one chosen is stored as the camera's
/// overrides.profile; the edit form offers them again (its blank password uses the stored one) and a new choice is saved.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class OnvifProfilesPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Find_profiles_lists_the_devices_profiles_and_the_chosen_one_is_stored_on_add_and_edit()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180", path: "/gate");
        var options = new SimulatorOptions { StreamUri = camera.Url, SubStreamUri = camera.Url };
        await using var simulator = await OnvifCameraSimulator.StartAsync(options);
        var config = QuietOnvif.WithoutFacade();
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest, BundledPlugins.Onvif), pluginConfig: config);
        await host.LoginAsync();
        await host.UntilPluginRunningAsync("appliance.rtsp");
        await host.UntilPluginRunningAsync("appliance.onvif");

        var page = await browser.NewPageAsync(host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");
        var add = page.Locator("form:has(#Input_OnvifUri)");
        var find = add.GetByRole(AriaRole.Button, new() { Name = "Find profiles" });
        await Expect(find).ToBeHiddenAsync();
        await add.GetByLabel("Name (optional)").FillAsync("Gate");
        await add.GetByLabel("RTSP URL").FillAsync(camera.Url);
        await add.GetByLabel("or ONVIF device address").FillAsync(simulator.DeviceServiceUri.ToString());
        await add.GetByLabel("User (optional)").FillAsync(options.Username);
        await add.GetByLabel("Password (optional)").FillAsync(options.Password);
        await find.ClickAsync();

        await Expect(add.Locator("[data-profiles-result]")).ToHaveTextAsync("2 profile(s) found: choose one.");
        var profile = add.GetByLabel("ONVIF profile", new() { Exact = true });
        await Expect(profile.Locator("option")).ToHaveTextAsync(
            ["the device's first profile", "MainStream (profile_main): H264 1920x1080, 25 fps", "SubStream (profile_sub): H265 640x360, 15 fps"]);
        await profile.SelectOptionAsync("profile_sub");
        await PortalSteps.ScreenshotAsync(page, "15d-onvif-profiles");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Added camera Gate (gate).");
        var stored = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/gate");
        Assert.Equal("profile_sub", stored.GetProperty("overrides").GetProperty("profile").GetString());

        await page.Locator("tr[data-camera='gate']").GetByRole(AriaRole.Link, new() { Name = "Edit Gate" }).ClickAsync();
        var edit = page.Locator("#edit-camera");
        var editProfile = edit.GetByLabel("ONVIF profile", new() { Exact = true });
        await Expect(editProfile).ToHaveValueAsync("profile_sub");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Find profiles" }).ClickAsync();
        await Expect(edit.Locator("[data-profiles-result]")).ToHaveTextAsync("2 profile(s) found: choose one.");
        await Expect(editProfile).ToHaveValueAsync("profile_sub");
        await editProfile.SelectOptionAsync("profile_main");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save camera" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Saved camera Gate (gate).");
        stored = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/gate");
        Assert.Equal("profile_main", stored.GetProperty("overrides").GetProperty("profile").GetString());
        await page.Context.CloseAsync();
    }
}
