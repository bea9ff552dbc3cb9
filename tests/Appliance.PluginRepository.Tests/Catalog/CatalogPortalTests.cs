using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// The portal in Debian's Chromium (Playwright, never a downloaded browser): the Plugins page's catalog section installs
/// from the signed repository and shows the finished progress; the overview warns only while unsigned packages are allowed.
/// </summary>
public sealed class CatalogPortalTests(CatalogHost fixture, BrowserFixture browser) : IClassFixture<CatalogHost>, IClassFixture<BrowserFixture>
{
    private async Task<IPage> LoggedInAsync(HostProcess host)
    {
        var page = await browser.NewPageAsync(host.BaseUri);
        await page.GotoAsync("/Login");
        await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
        await page.GetByLabel("Password").FillAsync(HostProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task The_catalog_section_installs_a_plugin_and_shows_its_progress()
    {
        const string id = "test.catalog-portal";
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"));
        var page = await LoggedInAsync(fixture.Host);
        await Expect(page.Locator("[data-field=unsigned-warning]")).ToHaveCountAsync(0);

        await page.GotoAsync("/Plugins");
        var row = page.Locator($"tr[data-catalog='{id}'][data-version='1.0.0']");
        await row.GetByRole(AriaRole.Button, new() { Name = $"install {id} 1.0.0" }).ClickAsync();
        await Expect(page.Locator("main p.notice.ok[role=status]")).ToHaveTextAsync($"Installed {id} 1.0.0 from the signed catalog: Running.");
        await Expect(row.Locator("[data-field=progress]")).ToContainTextAsync("done");
        await Expect(row).ToContainTextAsync("running");
        await Expect(page.Locator($"tr[data-plugin='{id}'] [data-field=state]")).ToHaveTextAsync("Running");
        await fixture.AssertRunningAsync(id, "1.0.0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Artifacts("portal"), "plugins-catalog.png"), FullPage = true });
    }

    [Fact]
    public async Task A_repository_that_answers_slowly_forever_leaves_the_page_usable_with_the_reason()
    {
        var page = await LoggedInAsync(fixture.Host);
        fixture.Server.SlowForever = true;
        try
        {
            var started = DateTime.UtcNow;
            await page.GotoAsync("/Plugins");
            await Expect(page.Locator("[data-field=catalog-error]")).ToContainTextAsync("timeout: ");
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), $"the page took {DateTime.UtcNow - started}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Install or update from a file" })).ToBeVisibleAsync();
        }
        finally
        {
            fixture.Server.SlowForever = false;
        }
    }

    [Fact]
    public async Task The_overview_warns_while_unsigned_packages_are_allowed()
    {
        await using var permissive = await HostProcess.StartAsync();
        await permissive.LoginAsync();
        var page = await LoggedInAsync(permissive);
        await Expect(page.Locator("[data-field=unsigned-warning]")).ToContainTextAsync("plugins.allowUnsigned");
        await page.GotoAsync("/Plugins");
        await Expect(page.Locator("#catalog-heading ~ p.hint")).ToContainTextAsync("No plugin repository is configured");
    }
}
