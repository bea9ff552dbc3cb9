using Appliance.Testing;
using Microsoft.Playwright;

namespace Appliance.Portal.Tests.Support;

/// <summary>Steps every portal test takes: log in through the form, save a screenshot, read a page's notice.</summary>
public static class PortalSteps
{
    public static async Task LoginAsync(IPage page, string user = HostProcess.AdminUser, string password = HostProcess.AdminPassword)
    {
        await page.GotoAsync("/Login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>Full-page screenshot as <c>out/test-artifacts/portal/{name}.png</c>.</summary>
    public static Task<string> ScreenshotAsync(IPage page, string name) => BrowserFixture.ScreenshotAsync(page, "portal", name);

    /// <summary>Text of the page's success notice (role=status).</summary>
    public static ILocator Notice(IPage page) => page.Locator("main p.notice.ok[role=status]");

    /// <summary>Text of the page's error notice (role=alert).</summary>
    public static ILocator Alert(IPage page) => page.Locator("main .notice.error[role=alert]");
}
