using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>The System page's support bundle link downloads the bundle in Chromium, also with system services off.</summary>
[Collection(PortalCollection.Name)]
public sealed class SupportBundlePageTests(BrowserFixture browser, AdminHostFixture admin)
{
    [Fact]
    public async Task SystemPage_WithSystemServicesOff_StillOffersTheSupportBundle_AndTheLinkDownloadsIt()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/System");
        await Expect(page.Locator("#system-off")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Support bundle" })).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download support bundle" }).ClickAsync());
        Assert.Matches(new Regex(@"^appliance-support-[A-Za-z0-9.-]+-\d{8}T\d{6}Z\.tar\.gz$"), download.SuggestedFilename);
        Assert.Null(await download.FailureAsync());
        var names = TarGzFiles.Read(await File.ReadAllBytesAsync((await download.PathAsync())!)).Keys;
        Assert.Contains("versions.json", names);
        Assert.Contains("config/appliance.json", names);
        Assert.Contains("manifest.json", names);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
