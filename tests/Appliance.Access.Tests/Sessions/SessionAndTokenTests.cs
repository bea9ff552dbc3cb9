using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Access.Tests.Support;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Access.Tests.Sessions;

/// <summary>Finding "sessions and tokens": a saved cookie outlived logout; tokens never expired and could not be listed or revoked.</summary>
public sealed class SessionAndTokenTests : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AccessHost.StartAsync(new JsonObject { ["auth"] = new JsonObject { ["reauthMinutes"] = 0 } });
        await _host.SetUpAdminAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpClient Client, CookieContainer Jar, string Csrf)> PortalLoginAsync()
    {
        var jar = new CookieContainer();
        var client = _host.Client(jar: jar);
        using (var login = await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword })))
            login.EnsureSuccessStatusCode();
        var html = await client.GetStringAsync("/Account");
        var csrf = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(csrf);
        return (client, jar, csrf);
    }

    [Fact]
    public async Task ACookieSavedBeforeLogout_NoLongerReadsOrWrites_AfterIt()
    {
        var (client, jar, csrf) = await PortalLoginAsync();
        var saved = jar.GetCookieHeader(_host.BaseUri);
        using (var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout"))
        {
            logout.Headers.Add("X-CSRF-TOKEN", csrf);
            using var done = await client.SendAsync(logout);
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }
        using var replay = _host.Client();
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cameras");
        read.Headers.Add("Cookie", saved);
        using var answer = await replay.SendAsync(read);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        client.Dispose();
    }

    [Fact]
    public async Task Logout_NeedsTheCsrfToken()
    {
        var (client, _, _) = await PortalLoginAsync();
        using (var forged = await client.PostAsync("/auth/logout", null))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var still = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        client.Dispose();
    }

    [Fact]
    public async Task APasswordChange_EndsOtherSessionsAndTokens_AtOnce()
    {
        var (browser, _, _) = await PortalLoginAsync();
        var token = await _host.TokenAsync();
        using var tool = _host.TokenClient(token);
        using (var change = await tool.PostAsync("/api/v1/me/password", AccessHost.Json(new { currentPassword = AccessHost.AdminPassword, newPassword = "another-Long-secret-42" })))
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        using (var session = await browser.GetAsync("/api/v1/me"))
            Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        using (var old = await tool.GetAsync("/api/v1/me"))
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        browser.Dispose();
    }

    [Fact]
    public async Task Tokens_HaveALabelAndLastUse_AreListed_AndARevokedOneIsRefusedAtOnce()
    {
        var token = await _host.TokenAsync();
        using var tool = _host.TokenClient(token);
        using (var created = await tool.PostAsync("/api/v1/tokens", AccessHost.Json(new { label = "backup job", expiresInDays = 7 })))
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var list = await tool.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var backup = list.EnumerateArray().Single(t => t.GetProperty("label").GetString() == "backup job");
        Assert.Equal(JsonValueKind.String, backup.GetProperty("expiresAt").ValueKind);
        var mine = list.EnumerateArray().Single(t => t.GetProperty("label").GetString() == "tests");
        Assert.Equal(JsonValueKind.String, mine.GetProperty("lastUsedAt").ValueKind);
        Assert.DoesNotContain(token, list.GetRawText());

        using (var revoke = await tool.DeleteAsync($"/api/v1/tokens/{mine.GetProperty("id").GetString()}"))
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var after = await tool.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task InstallingAPluginOrChangingUsers_NeedsThePasswordAgain()
    {
        using var tool = _host.TokenClient(await _host.TokenAsync());
        using (var install = await tool.PostAsync("/api/v1/plugins", new ByteArrayContent([1, 2, 3])))
            Assert.Equal(HttpStatusCode.Forbidden, install.StatusCode);
        using (var create = await tool.PostAsync("/api/v1/users", AccessHost.Json(new { username = "carol", password = "operator-Pass-1234", role = "operator" })))
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        using var withPassword = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = AccessHost.Json(new { username = "carol", password = "operator-Pass-1234", role = "operator" }) };
        withPassword.Headers.Add("X-Reauth-Password", AccessHost.AdminPassword);
        using var created = await tool.SendAsync(withPassword);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public void ATokenPastItsExpiry_IsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("appl-access-tok-").FullName;
        try
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var db = new Database(Path.Combine(dir, "t.db"));
            db.Migrate();
            var users = new UserStore(db, new Appliance.Host.Security.SecretBox(Path.Combine(dir, "k")), Options.Create(new ApplianceOptions()), clock);
            Assert.Null(users.CreateFirstAdmin("admin", AccessHost.AdminPassword));
            var tokens = new TokenStore(db, clock);
            var (_, token) = tokens.Create("admin", "short", TimeSpan.FromHours(1));
            Assert.NotNull(tokens.Validate(token));
            clock.Advance(TimeSpan.FromMinutes(61));
            Assert.Null(tokens.Validate(token));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ADigestHa1_IsKeptSealedPerRealm_ForProtocolPlugins()
    {
        var dir = Directory.CreateTempSubdirectory("appl-access-ha1-").FullName;
        try
        {
            var db = new Database(Path.Combine(dir, "t.db"));
            db.Migrate();
            var options = new ApplianceOptions();
            options.Auth.DigestRealms.Add("cam-realm");
            var users = new UserStore(db, new Appliance.Host.Security.SecretBox(Path.Combine(dir, "k")), Options.Create(options), TimeProvider.System);
            Assert.Null(users.CreateFirstAdmin("admin", AccessHost.AdminPassword));
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"admin:cam-realm:{AccessHost.AdminPassword}")));
            Assert.Equal(expected, users.DigestHa1("admin", "cam-realm", "MD5"));
            Assert.Null(users.DigestHa1("admin", "other-realm", "MD5"));
            Assert.Equal("admin", users.CheckPassword("admin", AccessHost.AdminPassword));
            using var connection = db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT digest_secret FROM users";
            Assert.StartsWith("v1:", (string)cmd.ExecuteScalar()!);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
