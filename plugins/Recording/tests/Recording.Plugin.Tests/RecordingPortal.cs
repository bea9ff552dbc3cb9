using System.Text.Json;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>The recording plugin's portal page driven in Chromium: log in, open the page, play a clip.</summary>
internal static class RecordingPortal
{
    /// <summary>Logs in as the administrator and opens the recording page; page errors are collected in <paramref name="errors"/>.</summary>
    public static async Task<IPage> OpenAsync(BrowserFixture browser, RecordingHost rig, List<string> errors)
    {
        var page = await browser.NewPageAsync(rig.Host.BaseUri);
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync("/Login");
        await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
        await page.GetByLabel("Password").FillAsync(HostProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await page.GotoAsync($"/Plugin/{RecordingHost.PluginId}");
        return page;
    }

    /// <summary>
    /// Clicks Play on the clip's row and waits until Chromium has decoded pictures and played past
    /// <paramref name="seconds"/>; returns the video element's width, height, currentTime, duration and error.
    /// </summary>
    public static async Task<JsonElement> PlayAsync(IPage page, string clipId, double seconds = 1)
    {
        var row = page.Locator($"#recording-clips tr[data-clip=\"{clipId}\"]");
        await Expect(row.Locator(".recording-play")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await row.Locator(".recording-play").ClickAsync();
        await Expect(page.Locator("#recording-video")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync(
            $"() => {{ const v = document.getElementById('recording-video'); return v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}; }}",
            null, new() { Timeout = 60_000 });
        return await page.Locator("#recording-video").EvaluateAsync<JsonElement>(
            "v => ({ width: v.videoWidth, height: v.videoHeight, time: v.currentTime, duration: v.duration, error: v.error ? v.error.message : null })");
    }
}
