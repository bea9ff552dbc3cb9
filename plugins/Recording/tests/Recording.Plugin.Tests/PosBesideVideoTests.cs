using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Pos.Tests;
using Appliance.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>
/// Issue 21's done-when, POS half: a simulated register's void (the POS plugin's documented ESC/POS receipt over TCP;
/// no real register here) is searchable through the POS plugin and appears as text on the register camera's recording
/// timeline, beside its video: the timeline route carries it and the portal page (Debian's Chromium) shows it under
/// the camera's bar, where one click cuts the clip around it.
/// </summary>
public sealed class PosBesideVideoTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_register_void_is_searchable_and_shown_as_text_on_the_cameras_timeline()
    {
        var registerPort = FreePort.Tcp();
        var pos = new JsonObject
        {
            ["portRange"] = $"{registerPort}-{registerPort}",
            ["bindAddress"] = "127.0.0.1",
            // The camera the recording host adds is named "Lobby": its id is "lobby".
            ["registers"] = new JsonArray(new JsonObject { ["name"] = "lane1", ["port"] = registerPort, ["cameraId"] = "lobby", ["rules"] = JsonSerializer.SerializeToNode(Receipts.Rules) }),
        };
        await using var rig = await RecordingHost.StartAsync(
            new JsonObject { ["segmentSeconds"] = 2, ["triggerEvents"] = new JsonArray("MotionDetected", "PosVoidRecorded") },
            others: [("plugins/Pos/src/Pos.Plugin", "appliance.pos", pos)]);
        try
        {
            Assert.Equal("lobby", rig.CameraId);
            await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 2, "two closed segments", RecordingHost.Patience);
            await Eventually.UntilAsync(async () =>
                    (await rig.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/appliance.pos")).GetProperty("health").EnumerateArray()
                        .Any(h => h.GetProperty("component").GetString() == "register/lane1" && h.GetProperty("state").GetString()!.Equals("healthy", StringComparison.OrdinalIgnoreCase)),
                "the register listening", RecordingHost.Patience, () => rig.Host.Log);
            using (var register = new TcpClient(AddressFamily.InterNetwork))
            {
                await register.ConnectAsync(IPAddress.Loopback, registerPort);
                await register.GetStream().WriteAsync(Receipts.SaleWithVoid());
            }

            var found = await Eventually.ValueAsync(() => rig.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.pos/search?q=void"),
                f => f.GetArrayLength() == 1, "the void in the POS search", RecordingHost.Patience);
            Assert.Equal("lobby", found[0].GetProperty("cameraId").GetString());
            var timeline = await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "PosVoidRecorded"),
                "the void on the camera's timeline", RecordingHost.Patience);
            var marker = timeline.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "PosVoidRecorded");
            var detail = marker.GetProperty("detail").GetString()!;
            output.WriteLine($"timeline text: {detail}");
            Assert.Contains("register: lane1", detail, StringComparison.Ordinal);
            Assert.Contains("voids: 1", detail, StringComparison.Ordinal);
            var segments = timeline.GetProperty("segments").EnumerateArray().ToList();
            var at = marker.GetProperty("at").GetDateTimeOffset();
            Assert.True(segments.Any(s => s.GetProperty("start").GetDateTimeOffset() <= at), "the void falls in the recorded time");

            var page = await browser.NewPageAsync(rig.Host.BaseUri);
            await page.GotoAsync("/Login");
            await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
            await page.GetByLabel("Password").FillAsync(HostProcess.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
            await page.GotoAsync($"/Plugin/{RecordingHost.PluginId}");
            var text = page.Locator("[data-camera=\"lobby\"] .recording-event-text[data-type=\"PosVoidRecorded\"]");
            await Expect(text).ToBeVisibleAsync();
            await Expect(text).ToContainTextAsync("register: lane1");
            await text.GetByRole(AriaRole.Button, new() { Name = "Clip ±30 s" }).ClickAsync();
            await Expect(page.Locator("#recording-message")).ToContainTextAsync("queued");
            await BrowserFixture.ScreenshotAsync(page, "recording", "pos-beside-video");
            await page.Context.CloseAsync();
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }
}
