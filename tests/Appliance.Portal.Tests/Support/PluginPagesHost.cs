using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Portal.Tests.Support;

/// <summary>
/// A real host whose bundled plugins are HostApi 1.1 surface plugins (tests/TestPlugins/SurfacePlugin), each with a
/// portal page: a viewer page, an admin page, a hostile one, an 8 MiB one, one that never answers, one that ignores
/// cancellation, one that answers JSON, and one the tests stop. Pages time out after 2 s. A viewer user exists besides the administrator.
/// </summary>
public sealed class PluginPagesHost : IAsyncLifetime
{
    public const string ViewerPage = "test.page-viewer";
    public const string AdminPage = "test.page-admin";
    public const string HostilePage = "test.page-hostile";
    public const string BigPage = "test.page-big";
    public const string HangingPage = "test.page-hang";
    public const string StuckPage = "test.page-stuck";
    public const string JsonPage = "test.page-json";
    public const string StoppedPage = "test.page-off";
    public const string Viewer = "viewer1";
    public const string ViewerPassword = "Lobby-screen-glimpse-42";
    public const double TimeoutSeconds = 2;

    private string? _bundled;

    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _bundled = Directory.CreateTempSubdirectory("appl-portal-pages-").FullName;
        Bundle(ViewerPage, "Surface page", "viewer", "ok");
        Bundle(AdminPage, "Admin page", "admin", "ok");
        Bundle(HostilePage, "Hostile page", "viewer", "hostile");
        Bundle(BigPage, "Big page", "viewer", "big");
        Bundle(HangingPage, "Hanging page", "viewer", "hang");
        Bundle(StuckPage, "Stuck page", "viewer", "stuck");
        Bundle(JsonPage, "JSON page", "viewer", "json");
        Bundle(StoppedPage, "Stopped page", "viewer", "ok");
        Host = await HostProcess.StartAsync(bundledPlugins: _bundled, appliance: new JsonObject
        {
            ["plugins"] = new JsonObject
            {
                ["startTimeoutSeconds"] = 10,
                ["stopTimeoutSeconds"] = 5,
                ["watchDirectory"] = false,
                ["portalPageTimeoutSeconds"] = TimeoutSeconds,
            },
        });
        await Host.LoginAsync();
        using (var created = await Host.Client.PostAsJsonAsync("/api/v1/users", new { username = Viewer, password = ViewerPassword, role = "viewer" }))
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        foreach (var id in new[] { ViewerPage, AdminPage, HostilePage, BigPage, HangingPage, StuckPage, JsonPage, StoppedPage })
            await WaitRunningAsync(id);
    }

    /// <summary>Waits until the plugin's status says Running.</summary>
    public async Task WaitRunningAsync(string id)
    {
        await Eventually.ValueAsync(async () => (await Host.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plugins/{id}"))?["state"]?.ToString() ?? "",
            state => state == "Running", $"{id} running", TimeSpan.FromSeconds(60), () => Host.Log, TimeSpan.FromMilliseconds(200));
    }

    /// <summary>A client with its own cookie jar, signed in to the portal as <paramref name="user"/> (no redirects followed).</summary>
    public async Task<HttpClient> SessionAsync(string user = HostProcess.AdminUser, string password = HostProcess.AdminPassword)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            BaseAddress = Host.BaseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var login = await client.PostAsJsonAsync("/auth/login", new { username = user, password });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        return client;
    }

    private void Bundle(string id, string title, string access, string page)
    {
        var routes = new JsonArray(
            new JsonObject { ["path"] = "page", ["methods"] = new JsonArray("GET"), ["access"] = access, ["purpose"] = "Portal page" },
            new JsonObject { ["path"] = "page.js", ["methods"] = new JsonArray("GET"), ["access"] = "viewer", ["purpose"] = "Portal page script" });
        var manifest = SurfacePluginPackage.Manifest(id, "1.0.0", id.Replace("test.page-", ""), extraRoutes: routes,
            portal: new JsonObject { ["title"] = title, ["route"] = "page" }, page: page);
        manifest["events"] = new JsonArray(); // event type names are unique on the appliance; these tests publish none
        SurfacePluginPackage.Folder(_bundled!, manifest);
    }

    public async Task DisposeAsync()
    {
        var data = Host.DataDirectory;
        await Host.DisposeAsync();
        TempDirectory.Delete(data);
        if (_bundled is not null) TempDirectory.Delete(_bundled);
    }
}
