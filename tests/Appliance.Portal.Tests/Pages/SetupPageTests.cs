using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>First start on a fresh host: every page leads to setup, which refuses weak passwords and creates the admin.</summary>
[Collection(PortalCollection.Name)]
public sealed class SetupPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task FirstStart_LeadsToSetup_RefusesAWeakPassword_CreatesTheAdmin_ThenSetupIsGone()
    {
        await using var host = await HostProcess.StartAsync();
        try
        {
            var page = await browser.NewPageAsync(host.BaseUri);

            await page.GotoAsync("/Plugins");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Setup$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up the appliance" })).ToBeVisibleAsync();
            await Expect(page.Locator("#password-rules")).ToContainTextAsync("at least 12 and at most 256 characters");
            await PortalSteps.ScreenshotAsync(page, "01-setup");

            await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short1");
            await page.GetByLabel("Password again").FillAsync("short1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Expect(page.Locator("#setup-error")).ToHaveTextAsync("password: at least 12 characters");
            await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");
            await PortalSteps.ScreenshotAsync(page, "02-setup-weak-password");

            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(new string('x', 100) + "-Long-enough-but-too-long-" + new string('y', 200));
            await page.GetByLabel("Password again").FillAsync(new string('x', 100) + "-Long-enough-but-too-long-" + new string('y', 200));
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Expect(page.Locator("#setup-error")).ToHaveTextAsync("password: at most 256 characters");

            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("admin-is-my-password");
            await page.GetByLabel("Password again").FillAsync("admin-is-my-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Expect(page.Locator("#setup-error")).ToHaveTextAsync("password: must not contain the user name");

            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(HostProcess.AdminPassword);
            await page.GetByLabel("Password again").FillAsync(HostProcess.AdminPassword + "x");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Expect(page.Locator("#setup-error")).ToHaveTextAsync("The two passwords differ.");

            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(HostProcess.AdminPassword);
            await page.GetByLabel("Password again").FillAsync(HostProcess.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            // The first steps follow the administrator's creation (issue 15 item 1; WelcomePageTests goes through them).
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "First steps", Level = 1 })).ToBeVisibleAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Administrator admin created");

            var state = await host.Client.GetFromJsonAsync<JsonElement>("/auth/state");
            Assert.False(state.GetProperty("setupRequired").GetBoolean());

            // Setup is gone once an administrator exists, also for someone without a session.
            var stranger = await browser.NewPageAsync(host.BaseUri);
            await stranger.GotoAsync("/Setup");
            await Expect(stranger).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("(?i)/Login$"));
            await stranger.Context.CloseAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("(?i)/Login$"));
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("(?i)/Login\\?ReturnUrl=%2F$"));
            await page.Context.CloseAsync();
        }
        finally
        {
            await host.StopAsync();
            TempDirectory.Delete(host.DataDirectory);
        }
    }
}
