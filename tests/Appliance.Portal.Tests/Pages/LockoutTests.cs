using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>Its own host: the lockout it causes must not lock the shared administrator.</summary>
[Collection(PortalCollection.Name)]
public sealed class LockoutTests(BrowserFixture browser)
{
    [Fact]
    public async Task FiveFailedLogins_LockTheAccount_WithTheTimeShown_AndTheRightPasswordIsThenRefused()
    {
        await using var host = await HostProcess.StartAsync();
        try
        {
            await host.LoginAsync();
            var page = await browser.NewPageAsync(host.BaseUri);
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                await PortalSteps.LoginAsync(page, password: $"wrong-password-number-{attempt}");
                await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong user name or password.");
            }

            await PortalSteps.LoginAsync(page, password: "wrong-password-number-5");
            var locked = new Regex(@"^This account is locked after repeated failed logins until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(about [1-5] min\)\. Try again then\.$");
            await Expect(page.Locator("#login-error")).ToHaveTextAsync(locked);
            await PortalSteps.ScreenshotAsync(page, "04-login-locked");

            await PortalSteps.LoginAsync(page);
            await Expect(page.Locator("#login-error")).ToHaveTextAsync(locked);
            await Expect(page).ToHaveURLAsync(new Regex("(?i)/Login$"));
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(new Regex("(?i)/Login\\?ReturnUrl=%2F$"));

            using var token = await host.Client.PostAsJsonAsync("/auth/token", new { username = HostProcess.AdminUser, password = HostProcess.AdminPassword });
            Assert.Equal((HttpStatusCode)429, token.StatusCode);
            await page.Context.CloseAsync();
        }
        finally
        {
            await host.StopAsync();
            TempDirectory.Delete(host.DataDirectory);
        }
    }
}
