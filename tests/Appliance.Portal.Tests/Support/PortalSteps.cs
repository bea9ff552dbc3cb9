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

    /// <summary>
    /// Collects what the page reports as an error (console errors, uncaught exceptions); a test asserts it stays empty.
    /// </summary>
    public static List<string> ConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // The browser asks for /favicon.ico by itself; the portal has none, and no page refers to one.
            if (message.Type != "error" || message.Location.EndsWith("/favicon.ico:0:0", StringComparison.Ordinal)) return;
            lock (errors) errors.Add($"{message.Text} ({message.Location}, on {page.Url})");
        };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        return errors;
    }

    /// <summary>Marks the loaded document, so <see cref="WasNotReloadedAsync"/> can tell that a change came without a reload.</summary>
    public static Task MarkDocumentAsync(IPage page) => page.EvaluateAsync("() => { window.portalTestMark = 'still here'; }");

    public static async Task<bool> WasNotReloadedAsync(IPage page) => await page.EvaluateAsync<string?>("() => window.portalTestMark ?? null") == "still here";

    /// <summary>Text of the page's error notice (role=alert).</summary>
    public static ILocator Alert(IPage page) => page.Locator("main .notice.error[role=alert]");
}
