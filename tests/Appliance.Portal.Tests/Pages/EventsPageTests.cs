using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class EventsPageTests(BrowserFixture browser, AdminHostFixture admin)
{
    [Fact]
    public async Task Events_ListsRecentOnes_FiltersByType_AndAddsNewOnesLive()
    {
        await PublishAsync("PortalCheckRaised", "alarm", new { n = 1 });
        await PublishAsync("PortalOtherRaised", "system", new { n = 2 });
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Events");

        var rows = page.Locator("#events tbody tr");
        var check = rows.Filter(new() { HasText = "PortalCheckRaised" });
        await Expect(check).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "PortalOtherRaised" })).ToHaveCountAsync(1);
        await Expect(check).ToContainTextAsync("Alarm");
        await Expect(check).ToContainTextAsync("api:admin");
        await Expect(check.Locator(".summary")).ToHaveTextAsync("n=1");

        await page.GetByLabel("Event type").FillAsync("PortalCheckRaised");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Events\\?type=PortalCheckRaised&"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("PortalCheckRaised");

        // The page follows the event stream: a new event of the filtered type appears without a reload,
        // one of another type does not.
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live: new events appear at the top.");
        await PortalSteps.MarkDocumentAsync(page);
        await PublishAsync("PortalOtherRaised", "system", new { n = 3 });
        await PublishAsync("PortalCheckRaised", "alarm", new { n = 4 });
        await Expect(rows.First.Locator(".summary")).ToHaveTextAsync("n=4");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#events")).Not.ToContainTextAsync("n=3");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live: new events appear at the top.");
        Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the new event came by a reload");
        await PortalSteps.ScreenshotAsync(page, "09-events-filtered-live");

        await page.GotoAsync("/Events?type=not%20a%20type!");
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync("An event type is 1 to 100 letters or digits, e.g. PluginStateChanged.");
        await page.GotoAsync("/Events");
        await PortalSteps.ScreenshotAsync(page, "10-events");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Events_ReadAsSummaries_HideHealthSamples_AndFilterByCameraAndTime()
    {
        var health = new { state = "playing", fps = 25, bitrateKbps = 2048, keyframeIntervalSeconds = 2, packetsReceived = 100, packetsLost = 0, lossPercent = 0, reconnects = 0 };
        await PublishAsync("StreamHealthMeasured", "camera", new { cameraId = "lobby", health });
        await PublishAsync("MotionDetected", "analytics", new { cameraId = "lobby", source = "portal-test", active = true, regions = new[] { "door" } });
        await PublishAsync("MotionDetected", "analytics", new { cameraId = "dock", source = "portal-test", active = false });
        await PublishAsync("CameraWentOffline", "camera", new { cameraId = "dock", reason = "<script>alert(1)</script>\u202Eevil" });
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        page.Dialog += (_, dialog) => errors.Add("a dialog opened: " + dialog.Message);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Events");

        var rows = page.Locator("#events tbody tr");
        var motion = rows.Filter(new() { HasText = "Motion started on camera lobby" });
        await Expect(motion.Locator(".summary")).ToHaveTextAsync("Motion started on camera lobby (portal-test) in door");
        await Expect(rows.Filter(new() { HasText = "dock" }).First.Locator(".summary")).ToHaveTextAsync("Camera dock went offline: <script>alert(1)</script> evil");
        // The raw data stays one click away.
        var raw = motion.Locator("code.data");
        await Expect(raw).ToBeHiddenAsync();
        await motion.Locator("details summary").ClickAsync();
        await Expect(raw).ToBeVisibleAsync();
        await Expect(raw).ToContainTextAsync("\"regions\":[\"door\"]");
        await Expect(page.Locator("#events thead")).ToContainTextAsync(new Regex(@"Time \(\S+\)"));
        await Expect(motion.Locator("time")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));

        // Health samples are hidden until the switch shows them.
        await Expect(rows.Filter(new() { HasText = "StreamHealthMeasured" })).ToHaveCountAsync(0);
        await page.GetByLabel("Show health samples").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows.Filter(new() { HasText = "StreamHealthMeasured" }).First.Locator(".summary"))
            .ToHaveTextAsync("Camera lobby: playing, 25 fps, 2048 kbit/s, 0 % loss");

        await page.GetByLabel("Camera").FillAsync("lobby");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2); // the motion and the health sample of lobby
        await Expect(page.Locator("#events")).Not.ToContainTextAsync("dock");
        await PortalSteps.ScreenshotAsync(page, "10b-events-camera");

        // A range long past holds nothing; one that starts then holds the camera's events.
        await page.GetByLabel("From").FillAsync("2000-01-01T00:00");
        await page.GetByLabel("Until").FillAsync("2000-01-02T00:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator("#no-events")).ToHaveTextAsync("No events match these filters.");
        await page.GetByLabel("Until").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await page.GotoAsync("/Events?from=2000-01-02T00:00&until=2000-01-01T00:00&camera=lobby");
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync("The time range ends before it starts.");
        await page.GotoAsync("/Events?from=yesterday");
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync("From: 'yesterday' is not a date and time (yyyy-MM-ddTHH:mm).");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Events_PageOlderAndNewer_BySequence()
    {
        for (var n = 1; n <= 55; n++) await PublishAsync("PortalPagingRaised", "system", new { n });
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Events?type=PortalPagingRaised");

        var summaries = page.Locator("#events tbody tr .summary");
        await Expect(summaries).ToHaveCountAsync(50);
        await Expect(summaries.First).ToHaveTextAsync("n=55");
        await Expect(summaries.Last).ToHaveTextAsync("n=6");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Newer events" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Older events" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("type=PortalPagingRaised.*before="));
        await Expect(summaries).ToHaveTextAsync(["n=5", "n=4", "n=3", "n=2", "n=1"]);
        await Expect(page.Locator("#live-status")).ToContainTextAsync("does not follow new events");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older events" })).ToHaveCountAsync(0);
        await PublishAsync("PortalPagingRaised", "system", new { n = 56 });
        await PortalSteps.ScreenshotAsync(page, "10c-events-older");

        // Newer by sequence: the 50 after n=5, then the rest, which is the newest page and follows the stream again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Newer events" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("after="));
        await Expect(summaries).ToHaveCountAsync(50);
        await Expect(summaries.First).ToHaveTextAsync("n=55");
        await Expect(summaries.Last).ToHaveTextAsync("n=6");
        await page.GetByRole(AriaRole.Link, new() { Name = "Newer events" }).ClickAsync();
        await Expect(summaries).ToHaveCountAsync(50);
        await Expect(summaries.First).ToHaveTextAsync("n=56");
        await Expect(summaries.Last).ToHaveTextAsync("n=7");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live: new events appear at the top.");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    private async Task PublishAsync(string type, string category, object data)
    {
        using var response = await admin.Host.Client.PostAsJsonAsync("/api/v1/events", new { type, category, data });
        response.EnsureSuccessStatusCode();
    }
}
