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
        await PublishAsync("PortalCheckRaised", "alarm", 1);
        await PublishAsync("PortalOtherRaised", "system", 2);
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Events");

        var rows = page.Locator("#events tbody tr");
        await Expect(rows.Filter(new() { HasText = "PortalCheckRaised" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "PortalOtherRaised" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "PortalCheckRaised" })).ToContainTextAsync("Alarm");
        await Expect(rows.Filter(new() { HasText = "PortalCheckRaised" })).ToContainTextAsync("api:admin");
        await Expect(rows.Filter(new() { HasText = "PortalCheckRaised" })).ToContainTextAsync("{\"n\":1}");

        await page.GetByLabel("Event type").FillAsync("PortalCheckRaised");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Events\\?type=PortalCheckRaised$"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("PortalCheckRaised");

        // The page follows the event stream: a new event of the filtered type appears without a reload,
        // one of another type does not.
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live: new events appear at the top.");
        await PublishAsync("PortalOtherRaised", "system", 3);
        await PublishAsync("PortalCheckRaised", "alarm", 4);
        await Expect(rows.First).ToContainTextAsync("{\"n\":4}");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#events")).Not.ToContainTextAsync("{\"n\":3}");
        await PortalSteps.ScreenshotAsync(page, "09-events-filtered-live");

        await page.GotoAsync("/Events?type=not%20a%20type!");
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync("An event type is 1 to 100 letters or digits, e.g. PluginStateChanged.");
        await page.GotoAsync("/Events");
        await PortalSteps.ScreenshotAsync(page, "10-events");
        await page.Context.CloseAsync();
    }

    private async Task PublishAsync(string type, string category, int n)
    {
        using var response = await admin.Host.Client.PostAsJsonAsync("/api/v1/events", new { type, category, data = new { n } });
        response.EnsureSuccessStatusCode();
    }
}
