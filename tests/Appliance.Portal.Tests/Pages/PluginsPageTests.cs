using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class PluginsPageTests(BrowserFixture browser, AdminHostFixture admin) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("appl-portal-zip-").FullName;

    [Fact]
    public async Task UploadedPlugin_IsListedRunning_IsDisabledEnabledUpdatedAndUninstalled_ThroughThePage()
    {
        var hostPid = admin.Host.Pid;
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Plugins");

        await page.GetByLabel("Plugin package").SetInputFilesAsync(TestPluginPackage.Create(_work, "1.0.0"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Installed {TestPluginPackage.Id} 1.0.0: Running.");
        var row = page.Locator($"tr[data-plugin='{TestPluginPackage.Id}']");
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("Running");
        await Expect(row).ToContainTextAsync(TestPluginPackage.Name);
        await Expect(row).ToContainTextAsync("integration");
        await Expect(row).ToContainTextAsync($"GET /plugins/{TestPluginPackage.Id}/hello");
        await Expect(row).ToContainTextAsync("self: Healthy");
        Assert.Equal("hello from test.portal-demo", await admin.Host.Client.GetStringAsync($"/plugins/{TestPluginPackage.Id}/hello"));
        await PortalSteps.ScreenshotAsync(page, "06-plugins-installed");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {TestPluginPackage.Id}" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Disabled {TestPluginPackage.Id} 1.0.0: Disabled.");
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("Disabled");
        using (var gone = await admin.Host.Client.GetAsync($"/plugins/{TestPluginPackage.Id}/hello"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await PortalSteps.ScreenshotAsync(page, "07-plugins-disabled");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Enable {TestPluginPackage.Id}" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Enabled {TestPluginPackage.Id} 1.0.0: Running.");
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("Running");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Restart {TestPluginPackage.Id}" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Restarted {TestPluginPackage.Id} 1.0.0: Running.");

        // A plugin that throws at start is quarantined: the page shows its state and error; the host is unaffected.
        using (var failing = await admin.Host.Client.PutAsJsonAsync($"/api/v1/plugins/{TestPluginPackage.Id}/config", new { greeting = "fail-to-start" }))
            failing.EnsureSuccessStatusCode();
        await page.ReloadAsync();
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("Quarantined");
        await Expect(row.Locator("[data-field=error]")).ToContainTextAsync("the test plugin was told to fail at start");
        await PortalSteps.ScreenshotAsync(page, "07b-plugins-quarantined");
        using (var fixedConfig = await admin.Host.Client.PutAsJsonAsync($"/api/v1/plugins/{TestPluginPackage.Id}/config", new { greeting = "hello" }))
            fixedConfig.EnsureSuccessStatusCode();
        await page.ReloadAsync();
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("Running");
        await Expect(row.Locator("[data-field=error]")).ToHaveTextAsync("");

        // A newer version uploaded through the page replaces the running one; the host keeps running.
        await page.GetByLabel("Plugin package").SetInputFilesAsync(TestPluginPackage.Create(_work, "1.1.0"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Installed {TestPluginPackage.Id} 1.1.0: Running.");
        await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync("1.1.0");
        Assert.Equal(hostPid, admin.Host.Pid);
        Assert.False(admin.Host.HasExited);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Uninstall {TestPluginPackage.Id}" }).ClickAsync();
        await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Uninstalled {TestPluginPackage.Id} 1.1.0.");
        await Expect(row).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task UploadingSomethingThatIsNotAPluginPackage_IsRefusedWithTheReason()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await page.GotoAsync("/Plugins");

        var notZip = Path.Combine(_work, "notes.zip");
        await File.WriteAllTextAsync(notZip, "this is not a zip archive");
        await page.GetByLabel("Plugin package").SetInputFilesAsync(notZip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" }).ClickAsync();
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync(new Regex("^package: not a zip archive"));

        var noManifest = Path.Combine(_work, "empty.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(noManifest, System.IO.Compression.ZipArchiveMode.Create))
            archive.CreateEntry("readme.txt");
        await page.GetByLabel("Plugin package").SetInputFilesAsync(noManifest);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" }).ClickAsync();
        await Expect(PortalSteps.Alert(page)).ToHaveTextAsync("package: no plugin.json at the root of the archive (or in one top folder)");
        await PortalSteps.ScreenshotAsync(page, "08-plugins-upload-refused");
        await page.Context.CloseAsync();
    }

    public void Dispose() => TempDirectory.Delete(_work);
}
