using System.Net;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Wrong passwords typed into the login page from elsewhere on the LAN (a relay from 127.0.0.62) until the page says
/// to wait: the message names no user, the right password is then refused from there, and the box itself still logs in.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LockoutFromElsewhereTests(BrowserFixture browser)
{
    private static readonly IPAddress Elsewhere = IPAddress.Parse("127.0.0.62");

    [Fact]
    public async Task WrongPasswordsFromElsewhere_UntilThePageSaysToWait_NamingNoUser_WhileTheBoxStillLogsIn()
    {
        await using var host = await HostProcess.StartAsync();
        try
        {
            await host.LoginAsync();
            await using var relay = SourceRelay.Start(new IPEndPoint(IPAddress.Loopback, host.HttpsPort), Elsewhere);
            var page = await browser.NewPageAsync(relay.BaseUri);
            var wait = new Regex("locked .* until .* Try again then\\.$");
            string message = "";
            var attempts = 0;
            while (!wait.IsMatch(message))
            {
                attempts++;
                Assert.True(attempts <= 10, $"no lockout after 10 wrong passwords; last message: {message}");
                await PortalSteps.LoginAsync(page, password: $"guess-number-{attempts}-from-the-lan");
                await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
                message = await page.Locator("#login-error").InnerTextAsync();
                Assert.DoesNotContain(HostProcess.AdminUser, message, StringComparison.OrdinalIgnoreCase);
            }
            Assert.Equal(5, attempts); // five free failures, the fifth already says to wait
            await PortalSteps.ScreenshotAsync(page, "access-03-login-locked-from-elsewhere");

            await PortalSteps.LoginAsync(page);
            await Expect(page.Locator("#login-error")).ToHaveTextAsync(wait);
            Assert.DoesNotContain(HostProcess.AdminUser, await page.Locator("main").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
            await Expect(page).ToHaveURLAsync(new Regex("(?i)/Login$"));

            // The box itself (a management source) is not locked out by what happened elsewhere.
            var box = await browser.NewPageAsync(host.BaseUri);
            await PortalSteps.LoginAsync(box);
            await Expect(box.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
            await box.Context.CloseAsync();
            await page.Context.CloseAsync();
        }
        finally
        {
            await host.StopAsync();
            TempDirectory.Delete(host.DataDirectory);
        }
    }
}
