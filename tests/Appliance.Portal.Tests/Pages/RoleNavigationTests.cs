using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Role-restricted pages in the browser: a viewer's navigation has no Plugins, Network, Cameras or Events, and
/// opening those pages directly shows the Forbidden page; an operator sees and opens Cameras and Events but not
/// the admin pages.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RoleNavigationTests(BrowserFixture browser, AdminHostFixture fixture)
{
    private const string Viewer = "lobby-screen";
    private const string ViewerPassword = "Glass-wall-monitor-17";
    private const string Operator = "night-shift";
    private const string OperatorPassword = "Coffee-and-cameras-28";

    [Fact]
    public async Task AViewer_SeesNoAdminOrOperatorEntries_AndGetsTheForbiddenPage_WhenOpeningThemDirectly()
    {
        await EnsureUserAsync(Viewer, ViewerPassword, "viewer");
        var page = await browser.NewPageAsync(fixture.Host.BaseUri);
        await PortalSteps.LoginAsync(page, Viewer, ViewerPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Account" })).ToBeVisibleAsync();
        foreach (var hidden in new[] { "Plugins", "Network", "Rules", "Cameras", "Events" })
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = hidden, Exact = true })).ToHaveCountAsync(0);
        await PortalSteps.ScreenshotAsync(page, "access-04-viewer-navigation");

        foreach (var path in new[] { "/Plugins", "/Network/Requirements", "/Cameras", "/Events" })
        {
            await page.GotoAsync(path);
            await Expect(page).ToHaveURLAsync(new Regex("(?i)/Forbidden"));
            await Expect(page.Locator("#forbidden")).ToHaveTextAsync(new Regex("^Your role \\(viewer\\) does not allow this page\\."));
        }
        await PortalSteps.ScreenshotAsync(page, "access-05-viewer-forbidden");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnOperator_SeesAndOpensCamerasAndEvents_ButNotTheAdminPages()
    {
        await EnsureUserAsync(Operator, OperatorPassword, "operator");
        var page = await browser.NewPageAsync(fixture.Host.BaseUri);
        await PortalSteps.LoginAsync(page, Operator, OperatorPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var hidden in new[] { "Plugins", "Network", "Rules" })
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = hidden, Exact = true })).ToHaveCountAsync(0);

        await nav.GetByRole(AriaRole.Link, new() { Name = "Cameras", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("(?i)/Cameras$"));
        await Expect(page.Locator("#forbidden")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Cameras");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Events", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("(?i)/Events$"));
        await Expect(page.Locator("#forbidden")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Events");
        await PortalSteps.ScreenshotAsync(page, "access-06-operator-events");

        await page.GotoAsync("/Plugins");
        await Expect(page.Locator("#forbidden")).ToHaveTextAsync(new Regex("^Your role \\(operator\\) does not allow this page\\."));
        await page.Context.CloseAsync();
    }

    private async Task EnsureUserAsync(string name, string password, string role)
    {
        // The shared administrator's token may be older than the re-authentication window: the password goes along.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username = name, password, role }) };
        request.Headers.Add("X-Reauth-Password", Appliance.Testing.HostProcess.AdminPassword);
        using var response = await fixture.Host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }
}
