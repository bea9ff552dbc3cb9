using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Issue 15 item 2 in Chromium: with the RTSP ingest plugin bundled, the camera page refuses a stream that does not
/// play (a wrong path: the DESCRIBE 404 reason), adds one that does with its codec, size and frame rate, shows them on
/// the camera's card (no media plugin: a placeholder instead of a snapshot), edits the camera (a broken path is refused
/// and changes nothing) and tests it with the same probe; appliancectl's <c>cameras add</c>/<c>edit</c> are refused alike
/// and store the camera anyway with <c>--force</c>.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CameraProofPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_wrong_path_is_refused_with_its_reason_a_good_one_is_added_with_its_facts_edited_and_tested()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360", path: "/yard");
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest));
        await host.LoginAsync();
        await host.UntilPluginRunningAsync("appliance.rtsp");
        var wrong = camera.Url.Replace("/yard", "/yrad", StringComparison.Ordinal);

        var page = await browser.NewPageAsync(host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Cameras");
        await page.GetByLabel("Name (optional)").FillAsync("Yard");
        await page.GetByLabel("RTSP URL").FillAsync(wrong);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();

        var refused = page.Locator("#add-errors");
        await Expect(refused).ToContainTextAsync("The camera has no stream at this path (DESCRIBE answered 404).");
        await Expect(refused).ToHaveAttributeAsync("data-code", "path");
        await Expect(page.Locator("#no-cameras")).ToBeVisibleAsync();
        await PortalSteps.ScreenshotAsync(page, "15-camera-refused-path");

        await page.GetByLabel("RTSP URL").FillAsync(camera.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Added camera Yard (yard). The stream plays: H264 640x360, 25 fps, TCP.");
        var card = page.Locator("#camera-cards li[data-camera-card='yard']");
        await Expect(card.Locator(".camera-facts")).ToHaveTextAsync("H264 640x360, 25 fps, TCP");
        await Expect(card.Locator(".camera-placeholder")).ToHaveCountAsync(1);
        await PortalSteps.ScreenshotAsync(page, "15b-camera-proven");

        await page.Locator("tr[data-camera='yard']").GetByRole(AriaRole.Link, new() { Name = "Edit Yard" }).ClickAsync();
        var edit = page.Locator("#edit-camera");
        await Expect(edit.GetByLabel("Stream RTSP URL")).ToHaveValueAsync(camera.Url);
        await edit.GetByLabel("Stream RTSP URL").FillAsync(wrong);
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save camera" }).ClickAsync();
        await Expect(page.Locator("#edit-errors")).ToContainTextAsync("DESCRIBE answered 404");
        var stored = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/yard");
        Assert.Equal(camera.Url, stored.GetProperty("streamUri").GetString());

        await page.Locator("#edit-camera").GetByLabel("Name").FillAsync("Back yard");
        await page.Locator("#edit-camera").GetByLabel("Stream RTSP URL").FillAsync(camera.Url);
        await page.Locator("#edit-camera").GetByRole(AriaRole.Button, new() { Name = "Save camera" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync("Saved camera Back yard (yard).");

        await page.Locator("tr[data-camera='yard'] button", new() { HasText = "Test" }).ClickAsync();
        var test = page.Locator("#camera-test");
        await Expect(test).ToContainTextAsync("camera-stream");
        await Expect(test).ToContainTextAsync("The stream plays: H264 640x360, 25 fps, TCP.");
        await PortalSteps.ScreenshotAsync(page, "15c-camera-tested");
        await page.Context.CloseAsync();

        // The CLI adds through the same proof: refused with the same reason (exit 1, nothing stored), stored with --force.
        var work = Directory.CreateTempSubdirectory("appl-cli-");
        var cli = await Appliancectl.LoggedInAsync(host, Path.Combine(work.FullName, "config.json"));
        var refusedByCli = await cli.ExpectAsync(1, ["cameras", "add", "--stream-uri", wrong, "--name", "Gate"]);
        Assert.Contains("DESCRIBE answered 404", refusedByCli.Stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/v1/cameras/gate")).StatusCode);
        var forced = await cli.ExpectAsync(0, ["cameras", "add", "--stream-uri", wrong, "--name", "Gate", "--force"]);
        Assert.Contains("added gate (Gate)", forced.Stdout);
        var gate = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/gate");
        Assert.Equal(wrong, gate.GetProperty("streamUri").GetString());
        await cli.ExpectAsync(1, ["cameras", "edit", "gate", "--stream-uri", wrong.Replace("/yrad", "/nope", StringComparison.Ordinal)]);
        await cli.ExpectAsync(0, ["cameras", "edit", "gate", "--stream-uri", wrong.Replace("/yrad", "/nope", StringComparison.Ordinal), "--force"]);
        work.Delete(recursive: true);
    }
}
