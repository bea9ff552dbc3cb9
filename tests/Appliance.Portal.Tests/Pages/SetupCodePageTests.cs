using System.Net;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// First start from a browser elsewhere on the LAN (through a relay from 127.0.0.61): the Setup page asks for the
/// console's setup code, a wrong one is refused and replaced, the new one from the data directory works, and no
/// code is ever in a page.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class SetupCodePageTests(BrowserFixture browser)
{
    private static readonly IPAddress Elsewhere = IPAddress.Parse("127.0.0.61");

    [Fact]
    public async Task SetupFromElsewhere_RefusesAWrongCode_ThenTheNewCodeFromTheConsoleWorks_AndNoCodeIsEverInThePage()
    {
        await using var host = await HostProcess.StartAsync();
        try
        {
            await using var relay = SourceRelay.Start(new IPEndPoint(IPAddress.Loopback, host.HttpsPort), Elsewhere);
            var codeFile = Path.Combine(host.DataDirectory, "setup-code");
            var first = (await File.ReadAllTextAsync(codeFile)).Trim();
            var page = await browser.NewPageAsync(relay.BaseUri);

            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(new Regex("/Setup$"));
            await Expect(page.GetByLabel("Setup code")).ToBeVisibleAsync();
            await Expect(page.Locator("#code-hint")).ToContainTextAsync("console");
            await AssertNoCodeAsync(page, first);
            await PortalSteps.ScreenshotAsync(page, "access-01-setup-needs-code");

            await FillAsync(page, "ABCD-EFGH-JKLM");
            await Expect(page.Locator("#setup-error")).ToHaveTextAsync(new Regex("^Wrong setup code\\. A new code is now shown on the appliance's console"));
            await Expect(page.GetByLabel("Setup code")).ToHaveValueAsync("");
            var second = (await File.ReadAllTextAsync(codeFile)).Trim();
            Assert.NotEqual(first, second);
            await AssertNoCodeAsync(page, first, second);
            await PortalSteps.ScreenshotAsync(page, "access-02-setup-wrong-code");

            // The code that was shown before the wrong attempt is spent too.
            await FillAsync(page, first);
            await Expect(page.Locator("#setup-error")).ToContainTextAsync("Wrong setup code");
            var third = (await File.ReadAllTextAsync(codeFile)).Trim();
            Assert.NotEqual(second, third);
            await AssertNoCodeAsync(page, first, second, third);

            await FillAsync(page, third);
            // The first steps follow the administrator's creation (issue 15 item 1; WelcomePageTests goes through them).
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "First steps", Level = 1 })).ToBeVisibleAsync();
            await Expect(PortalSteps.Notice(page)).ToContainTextAsync("Administrator admin created");
            Assert.False(File.Exists(codeFile));
            await page.Context.CloseAsync();
        }
        finally
        {
            await host.StopAsync();
            TempDirectory.Delete(host.DataDirectory);
        }
    }

    private static async Task FillAsync(IPage page, string code)
    {
        await page.GetByLabel("Setup code").FillAsync(code);
        await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(HostProcess.AdminPassword);
        await page.GetByLabel("Password again").FillAsync(HostProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
    }

    /// <summary>Neither the page's HTML nor its form fields hold any code, with or without dashes.</summary>
    private static async Task AssertNoCodeAsync(IPage page, params string[] codes)
    {
        var html = await page.ContentAsync();
        var values = string.Join("\n", await page.Locator("input").EvaluateAllAsync<string[]>("inputs => inputs.map(i => i.value)"));
        foreach (var code in codes)
            foreach (var form in new[] { code, code.Replace("-", ""), code.ToLowerInvariant() })
            {
                Assert.DoesNotContain(form, html, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(form, values, StringComparison.OrdinalIgnoreCase);
            }
    }
}
