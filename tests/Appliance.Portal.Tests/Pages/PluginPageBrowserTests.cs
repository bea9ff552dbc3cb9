using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>A plugin page in real Chromium: reached through its nav entry, its script file runs, hostile inline script does not.</summary>
[Collection(PluginPagesCollection.Name)]
public sealed class PluginPageBrowserTests(BrowserFixture browser, PluginPagesHost fixture)
{
    [Fact]
    public async Task Logged_in_the_nav_entry_opens_the_plugin_page_whose_script_writes_with_the_csrf_token_and_hostile_inline_script_stays_inert()
    {
        var page = await browser.NewPageAsync(fixture.Host.BaseUri);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(message.Text);
        };
        await PortalSteps.LoginAsync(page);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Surface page" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/Plugin/{Regex.Escape(PluginPagesHost.ViewerPage)}$"));
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Surface page");
        await Expect(page.Locator("#surface-page")).ToHaveTextAsync("page of viewer for admin (admin), query , credentials none");
        // The fragment's <script src> is a file the plugin serves: it runs, and its POST passes the CSRF check.
        await Expect(page.Locator("#surface-js")).ToHaveTextAsync("uploaded 5 bytes as admin");
        await PortalSteps.ScreenshotAsync(page, "20-plugin-page");

        await page.GetByRole(AriaRole.Link, new() { Name = "Hostile page" }).ClickAsync();
        await Expect(page.Locator("#surface-page")).ToHaveTextAsync("hostile hostile");
        await page.WaitForFunctionAsync("() => document.getElementById('surface-img').complete");
        await Expect(page.Locator("#surface-page")).ToHaveTextAsync("hostile hostile");
        Assert.Equal("Hostile page · Appliance", await page.TitleAsync());
        Assert.Contains(violations, v => v.Contains("inline script", StringComparison.OrdinalIgnoreCase) || v.Contains("script-src", StringComparison.Ordinal));
        await PortalSteps.ScreenshotAsync(page, "21-plugin-page-hostile");
        await page.Context.CloseAsync();
    }
}
