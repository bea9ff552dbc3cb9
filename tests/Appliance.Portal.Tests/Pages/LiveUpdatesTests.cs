using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Pages that follow the event stream (live.js): camera health, plugin state and the overview change while the page
/// is open, without a reload (the document keeps a mark set before the change); long operations (busy-form.js)
/// disable their button while they run and a reload afterwards sends nothing again.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LiveUpdatesTests(BrowserFixture browser, AdminHostFixture admin) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("appl-portal-zip-").FullName;

    [Fact]
    public async Task CameraHealth_PluginState_AndTheOverview_ChangeWhileThePageIsOpen()
    {
        await InstallTestPluginAsync();
        using (var added = await admin.Host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Porch", streamUri = "rtsp://127.0.0.1:1" + "/synthetic-health" }))
            added.EnsureSuccessStatusCode();
        try
        {
            var page = await browser.NewPageAsync(admin.Host.BaseUri);
            var errors = PortalSteps.ConsoleErrors(page);
            await PortalSteps.LoginAsync(page);

            await page.GotoAsync("/Cameras");
            var row = page.Locator("tr[data-camera='porch']");
            await Expect(row).ToContainTextAsync("Streaming H264/tcp");
            await PortalSteps.MarkDocumentAsync(page);
            // The stand-in ingest plugin reports the camera reconnecting and publishes StreamHealthMeasured.
            Assert.Equal("degraded 1", await admin.Host.Client.GetStringAsync($"/plugins/{TestPluginPackage.Id}/degrade"));
            await Expect(row).ToContainTextAsync("Reconnecting H264/tcp");
            await Expect(row).ToContainTextAsync("connection refused (synthetic)");
            Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the camera row changed by a reload");
            await PortalSteps.ScreenshotAsync(page, "30-live-camera-health");

            await page.GotoAsync("/Plugins");
            var state = page.Locator($"tr[data-plugin='{TestPluginPackage.Id}'] [data-field=state]");
            await Expect(state).ToHaveTextAsync("Running");
            await PortalSteps.MarkDocumentAsync(page);
            using (var disabled = await admin.Host.Client.PostAsync($"/api/v1/plugins/{TestPluginPackage.Id}/disable", null))
                disabled.EnsureSuccessStatusCode();
            await Expect(state).ToHaveTextAsync("Disabled");
            Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the plugin state changed by a reload");

            await page.GotoAsync("/");
            var plugins = page.Locator("[data-field=plugins]");
            await Expect(plugins).ToContainTextAsync("0 running");
            await Expect(page.Locator("#nav-health")).ToHaveTextAsync(new Regex("^(Healthy|Degraded|Unhealthy)$"));
            await PortalSteps.MarkDocumentAsync(page);
            using (var enabled = await admin.Host.Client.PostAsync($"/api/v1/plugins/{TestPluginPackage.Id}/enable", null))
                enabled.EnsureSuccessStatusCode();
            await Expect(plugins).ToContainTextAsync("1 running");
            // The plugin's component is in the overview's health table again, and the badge still shows a state.
            await Expect(page.Locator("#overview-health")).ToContainTextAsync("ready");
            await Expect(page.Locator("#nav-health")).ToHaveTextAsync(new Regex("^(Healthy|Degraded|Unhealthy)$"));
            Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the overview changed by a reload");
            await PortalSteps.ScreenshotAsync(page, "31-live-overview");

            Assert.True(errors.Count == 0, string.Join("\n", errors));
            await page.Context.CloseAsync();
        }
        finally
        {
            using (await admin.Host.Client.DeleteAsync("/api/v1/cameras/porch")) { }
            using (await admin.Host.Client.DeleteAsync($"/api/v1/plugins/{TestPluginPackage.Id}")) { }
        }
    }

    [Fact]
    public async Task AViewersOverviewChangesToo_ThroughAStreamOfHealthEventsOnly()
    {
        const string viewer = "hall-monitor";
        const string password = "Quiet-hallway-screen-41";
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username = viewer, password, role = "viewer" }) })
        {
            request.Headers.Add("X-Reauth-Password", HostProcess.AdminPassword);
            using var response = await admin.Host.Client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
        }
        await InstallTestPluginAsync();
        try
        {
            var page = await browser.NewPageAsync(admin.Host.BaseUri);
            var errors = PortalSteps.ConsoleErrors(page);
            var streams = new List<string>();
            page.Request += (_, request) => { if (request.Url.Contains("/api/v1/events/stream", StringComparison.Ordinal)) lock (streams) streams.Add(request.Url); };
            await PortalSteps.LoginAsync(page, viewer, password);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
            var plugins = page.Locator("[data-field=plugins]");
            await Expect(plugins).ToContainTextAsync("1 running");
            await PortalSteps.MarkDocumentAsync(page);

            // An alarm (not about health) and then the plugin disabled (health): the viewer's page follows the second.
            using var alarm = await admin.Host.Client.PostAsJsonAsync("/api/v1/events", new { type = "ManualAlarmRaised", category = "alarm", data = new { zone = "hall" } });
            alarm.EnsureSuccessStatusCode();
            var alarmSequence = (await alarm.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sequence").GetInt64();
            using (var disabled = await admin.Host.Client.PostAsync($"/api/v1/plugins/{TestPluginPackage.Id}/disable", null))
                disabled.EnsureSuccessStatusCode();
            await Expect(plugins).ToContainTextAsync("0 running");
            var types = await StreamedTypesAsync("/api/v1/events/stream/health?after=" + (alarmSequence - 1), until: "PluginStateChanged");
            Assert.DoesNotContain("ManualAlarmRaised", types);
            Assert.All(types, t => Assert.Contains(t, new[] { "StreamHealthMeasured", "CameraWentOnline", "CameraWentOffline", "StreamGapOccurred", "SystemHealthSampled", "PluginStateChanged" }));
            Assert.True(await PortalSteps.WasNotReloadedAsync(page), "the viewer's overview changed by a reload");
            lock (streams) Assert.All(streams, url => Assert.Contains("/api/v1/events/stream/health?after=", url));
            Assert.True(errors.Count == 0, string.Join("\n", errors));

            // The viewer may follow the health stream and nothing more: the whole stream is refused.
            var api = page.Context.APIRequest;
            Assert.Equal(403, (await api.GetAsync("/api/v1/events/stream?after=0", new() { Timeout = 10000 })).Status);
            await page.Context.CloseAsync();
        }
        finally
        {
            // Enabled again before it goes: the host keeps a removed plugin's record (enabled flag, configuration) for a
            // reinstall, and the next test of the shared host installs it again expecting it to run.
            using (await admin.Host.Client.PostAsync($"/api/v1/plugins/{TestPluginPackage.Id}/enable", null)) { }
            using (await admin.Host.Client.DeleteAsync($"/api/v1/plugins/{TestPluginPackage.Id}")) { }
        }
    }

    [Fact]
    public async Task CameraTest_DisablesItsButtonWhileItRuns_AndAReloadDoesNotRunItAgain()
    {
        using (var added = await admin.Host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Shed", streamUri = "rtsp://127.0.0.1:1/shed" }))
            added.EnsureSuccessStatusCode();
        try
        {
            var page = await browser.NewPageAsync(admin.Host.BaseUri);
            var errors = PortalSteps.ConsoleErrors(page);
            await PortalSteps.LoginAsync(page);
            await page.GotoAsync("/Cameras");
            var (posts, release) = await HoldPostsAsync(page, "Test");
            var button = page.GetByRole(AriaRole.Button, new() { Name = "Test Shed" });
            await button.ClickAsync();
            await Expect(button).ToBeDisabledAsync();
            await Expect(page.Locator("tr[data-camera='shed'] .busy-status")).ToHaveTextAsync("Testing…");
            release.SetResult();
            await Expect(page.Locator("#camera-test")).ToContainTextAsync("camera-rtsp");
            await Expect(page).ToHaveURLAsync(new Regex("/Cameras$"));
            Assert.Single(posts);

            await page.ReloadAsync();
            await Expect(page.Locator("tr[data-camera='shed']")).ToBeVisibleAsync();
            await Expect(page.Locator("#camera-test")).ToHaveCountAsync(0);
            Assert.Single(posts);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            await page.Context.CloseAsync();
        }
        finally
        {
            using (await admin.Host.Client.DeleteAsync("/api/v1/cameras/shed")) { }
        }
    }

    [Fact]
    public async Task PluginUpload_ShowsItsProgress_WithTheButtonDisabled_AndAReloadDoesNotInstallAgain()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        var errors = PortalSteps.ConsoleErrors(page);
        try
        {
            await PortalSteps.LoginAsync(page);
            await page.GotoAsync("/Plugins");
            var (posts, release) = await HoldPostsAsync(page, "Upload");
            await page.GetByLabel("Plugin package").SetInputFilesAsync(TestPluginPackage.Create(_work, "1.0.0"));
            var button = page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" });
            await button.ClickAsync();
            await Expect(button).ToBeDisabledAsync();
            await Expect(page.Locator("form[aria-busy=true] .busy-status")).ToContainTextAsync(new Regex("Installing…|Uploading"));
            release.SetResult();
            await Expect(PortalSteps.Notice(page)).ToHaveTextAsync($"Installed {TestPluginPackage.Id} 1.0.0: Running.");
            await Expect(page).ToHaveURLAsync(new Regex("/Plugins$"));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Upload and install" })).ToBeEnabledAsync();

            await page.ReloadAsync();
            await Expect(page.Locator($"tr[data-plugin='{TestPluginPackage.Id}'] [data-field=state]")).ToHaveTextAsync("Running");
            await Expect(PortalSteps.Notice(page)).ToHaveCountAsync(0);
            Assert.Single(posts);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            await page.Context.CloseAsync();
        }
        finally
        {
            using (await admin.Host.Client.DeleteAsync($"/api/v1/plugins/{TestPluginPackage.Id}")) { }
        }
    }

    /// <summary>The event types a server-sent event stream of the host carries, read until one of type <paramref name="until"/>.</summary>
    private async Task<List<string>> StreamedTypesAsync(string path, string until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await admin.Host.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var types = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith("event: ", StringComparison.Ordinal)) continue;
            types.Add(line["event: ".Length..]);
            if (types[^1] == until) return types;
        }
        throw new InvalidOperationException($"the stream ended before a {until}: {string.Join(", ", types)}");
    }

    /// <summary>
    /// Records the page's POSTs to the page handler <paramref name="handler"/> from now on and holds each until
    /// <c>Release</c> is set, so the test sees the page while the operation runs.
    /// </summary>
    private static async Task<(List<string> Posts, TaskCompletionSource Release)> HoldPostsAsync(IPage page, string handler)
    {
        var posts = new List<string>();
        var release = new TaskCompletionSource();
        page.Request += (_, request) => { if (request.Method == "POST" && request.Url.Contains("handler=" + handler, StringComparison.Ordinal)) lock (posts) posts.Add(request.Url); };
        await page.RouteAsync(url => url.Contains("handler=" + handler, StringComparison.Ordinal), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        return (posts, release);
    }

    private async Task InstallTestPluginAsync()
    {
        var zip = TestPluginPackage.Create(_work);
        using var install = await admin.Host.Client.PostAsync("/api/v1/plugins", new ByteArrayContent(await File.ReadAllBytesAsync(zip)));
        install.EnsureSuccessStatusCode();
    }

    public void Dispose() => TempDirectory.Delete(_work);
}
