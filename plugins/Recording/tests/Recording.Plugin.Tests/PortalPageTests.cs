using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>The plugin's portal page in Debian's Chromium: the camera's timeline with its segments and an event marker,
/// a clip cut through the page's form, its download link serving the MPEG-TS, and the clip playing in the page's
/// video element (the MP4 rewrap, decoded by Chromium itself).</summary>
public sealed class PortalPageTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_page_shows_the_timeline_with_an_event_marker_and_cuts_a_clip_that_downloads_and_plays()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2 });
        try
        {
            await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 2, "two closed segments", RecordingHost.Patience);
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "test", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").GetArrayLength() == 1, "the marker", RecordingHost.Patience);

            var errors = new List<string>();
            var page = await RecordingPortal.OpenAsync(browser, rig, errors);
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
            await Expect(page.Locator("section.recording")).ToContainTextAsync("Play shows an H.264 clip here");

            // Export asked from the page without a destination: refused with the reason, nothing queued.
            await page.GetByLabel("Export to object storage").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Cut" }).ClickAsync();
            await Expect(page.Locator("#recording-message")).ToContainTextAsync("no-export");
            await page.GetByLabel("Export to object storage").UncheckAsync();

            // The form's default range is the last two minutes up to the page's load: a clip of what is recorded, asked
            // with a downscale (640x360 is within 2MP, so it is kept as it is and needs no media plugin).
            await page.GetByLabel("Downscale to 2MP").CheckAsync();
            var posted = await page.RunAndWaitForRequestAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Cut" }).ClickAsync(),
                r => r.Method == "POST" && r.Url.EndsWith("/clips", StringComparison.Ordinal));
            Assert.Contains("\"downscale\":true", posted.PostData, StringComparison.Ordinal);
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

            // Play: Chromium loads the MP4 rewrap through the page's video element, decodes pictures of the camera's
            // size and plays on (its clock advances past a second: frames after the first keyframe decode too).
            var clipId = await page.Locator("#recording-clips tr").First.GetAttributeAsync("data-clip");
            var played = await RecordingPortal.PlayAsync(page, clipId!);
            output.WriteLine($"played in Chromium: {played}");
            Assert.Equal(System.Text.Json.JsonValueKind.Null, played.GetProperty("error").ValueKind);
            var mp4 = await page.APIRequest.GetAsync(href!.Replace("/file?download", "/mp4", StringComparison.Ordinal));
            Assert.Equal(200, mp4.Status);
            Assert.Equal("video/mp4", mp4.Headers["content-type"]);
            var mp4Path = Path.Combine(Path.GetTempPath(), $"recording-portal-{Guid.NewGuid():N}.mp4");
            await File.WriteAllBytesAsync(mp4Path, await mp4.BodyAsync());
            var size = Appliance.Plugins.Recording.Tests.Shared.TsProbe.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", mp4Path]).Output.Trim();
            File.Delete(mp4Path);
            Assert.Equal(size, $"{played.GetProperty("width").GetInt32()},{played.GetProperty("height").GetInt32()}");
            Assert.InRange(played.GetProperty("duration").GetDouble(), 1.0, 200.0);
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
