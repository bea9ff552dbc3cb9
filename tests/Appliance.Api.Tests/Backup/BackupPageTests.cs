using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Api.Tests.Support;
using Appliance.Host.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Api.Tests.Backup;

/// <summary>The portal's <c>/Backup</c> page over HTTP with a cookie session: download, upload -> preview -> confirm -> restored.</summary>
public sealed partial class BackupPageTests : IAsyncLifetime
{
    private const string Password = "correct-Horse-battery-9";
    private const string Passphrase = "portal backup passphrase";
    private InProcessHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await InProcessHost.StartAsync();
        _client = _host.Client(cookies: true);
        using (var setup = await _client.PostAsJsonAsync("/auth/setup", new { username = "admin", password = Password }))
            setup.EnsureSuccessStatusCode();
        using (var login = await _client.PostAsJsonAsync("/auth/login", new { username = "admin", password = Password }))
            login.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"pendingId\" value=\"([0-9a-f]+)\"")]
    private static partial Regex PendingField();

    private async Task<string> TokenAsync() => TokenField().Match(await _client.GetStringAsync("/Backup")).Groups[1].Value;

    private async Task<string> FollowAsync(HttpResponseMessage response)
    {
        using (response)
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await _client.GetStringAsync("/Backup");
    }

    private async Task<HttpResponseMessage> PreviewAsync(byte[] file, string passphrase)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", "appliance.backup" },
            { new StringContent(passphrase), "passphrase" },
            { new StringContent(await TokenAsync()), "__RequestVerificationToken" },
        };
        return await _client.PostAsync("/Backup?handler=Preview", form);
    }

    [Fact]
    public async Task Download_then_upload_preview_confirm_restores_the_backup()
    {
        var rules = _host.App.Services.GetRequiredService<RuleStore>();
        Assert.True(rules.Save("""{ "id": "portal-rule", "name": "From the portal", "trigger": { "events": ["MotionDetected"] }, "actions": [ { "type": "snapshot" } ] }""", null).IsValid);

        using var download = await _client.PostAsync("/Backup?handler=Download", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["passphrase"] = Passphrase,
            ["__RequestVerificationToken"] = await TokenAsync(),
        }));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var file = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal("APPLBKUP"u8.ToArray(), file[..8]);
        Assert.True(rules.Delete("portal-rule"));

        var wrong = await FollowAsync(await PreviewAsync(file, "not the passphrase"));
        Assert.Contains("passphrase does not open this backup", wrong);

        string page;
        using (var preview = await PreviewAsync(file, Passphrase))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            page = await preview.Content.ReadAsStringAsync();
        }
        Assert.Contains("signed by this appliance", page);
        Assert.Matches("<tr data-section=\"rules\" data-id=\"portal-rule\"><td>rules</td><td>From the portal</td><td>added</td>", page);
        Assert.Null(rules.Get("portal-rule"));

        var done = await FollowAsync(await _client.PostAsync("/Backup?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["pendingId"] = PendingField().Match(page).Groups[1].Value,
            ["__RequestVerificationToken"] = TokenField().Match(page).Groups[1].Value,
        })));
        Assert.Contains("Restored the backup", done);
        Assert.NotNull(rules.Get("portal-rule"));

        // The kept file was taken: confirming again is refused.
        var again = await FollowAsync(await _client.PostAsync("/Backup?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["pendingId"] = PendingField().Match(page).Groups[1].Value,
            ["__RequestVerificationToken"] = await TokenAsync(),
        })));
        Assert.Contains("no longer kept", again);
    }
}
