using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>The plugin's portal page in Debian's Chromium: the camera's timeline with its segments and an event marker,
/// a clip cut through the page's form, and its download link serving the MPEG-TS.</summary>
public sealed class PortalPageTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_page_shows_the_timeline_with_an_event_marker_and_cuts_a_clip_that_downloads()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2 });
        try
        {
            await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 2, "two closed segments", RecordingHost.Patience);
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "test", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").GetArrayLength() == 1, "the marker", RecordingHost.Patience);

            var page = await browser.NewPageAsync(rig.Host.BaseUri);
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync("/Login");
            await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
            await page.GetByLabel("Password").FillAsync(HostProcess.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

            await page.GotoAsync($"/Plugin/{RecordingHost.PluginId}");
            var camera = page.Locator($"[data-camera=\"{rig.CameraId}\"]");
            await Expect(camera).ToBeVisibleAsync();
            Assert.True(await camera.Locator(".recording-segment").CountAsync() >= 2);
            await Expect(camera.Locator(".recording-event")).ToHaveCountAsync(1);
            // Drawn, not only present (the portal's CSP refuses style attributes: a bar styled that way has no size).
            await Expect(camera.Locator(".recording-event")).ToBeVisibleAsync();
            var bar = await camera.Locator(".recording-bar").BoundingBoxAsync();
            var segment = await camera.Locator(".recording-segment").First.BoundingBoxAsync();
            Assert.True(bar is { Height: > 10, Width: > 500 } && segment is { Width: > 0, Height: > 10 }, $"bar {bar?.Width}x{bar?.Height}, segment {segment?.Width}x{segment?.Height}");
            Assert.Contains("MotionDetected", await camera.Locator(".recording-event").GetAttributeAsync("title"), StringComparison.Ordinal);
            await Expect(page.Locator("section.recording")).ToContainTextAsync("Chromium does not play MPEG-TS");

            // The form's default range is the last two minutes up to the page's load: a clip of what is recorded.
            await page.GetByRole(AriaRole.Button, new() { Name = "Cut" }).ClickAsync();
            await Expect(page.Locator("#recording-message")).ToContainTextAsync("queued");
            var download = page.Locator("#recording-clips .recording-download");
            await Expect(download).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            var href = await download.GetAttributeAsync("href");
            output.WriteLine($"download link {href}");
            var response = await page.APIRequest.GetAsync(href!);
            Assert.Equal(200, response.Status);
            Assert.Equal("video/mp2t", response.Headers["content-type"]);
            Assert.StartsWith("attachment", response.Headers["content-disposition"], StringComparison.Ordinal);
            Assert.Equal(0x47, (await response.BodyAsync())[0]);
            await BrowserFixture.ScreenshotAsync(page, "recording", "portal-page");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }
}
