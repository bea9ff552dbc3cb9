using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.Host.Backup;
using Appliance.Host.Cameras;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Api.Tests.Backup;

/// <summary>
/// <c>/api/v1/system/backup</c> and <c>/restore</c> on the real host built in-process: a plugin's configuration,
/// rules and cameras backed up, changed, previewed (exactly the differences), restored; every hostile file refused
/// with nothing applied.
/// </summary>
public sealed class BackupApiTests : IAsyncLifetime
{
    private const string Password = "correct-Horse-battery-9";
    private const string Passphrase = "a long backup passphrase";
    private InProcessHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await InProcessHost.StartAsync();
        _client = _host.Client();
        using (var setup = await _client.PostAsJsonAsync("/auth/setup", new { username = "admin", password = Password }))
            setup.EnsureSuccessStatusCode();
        using var token = await _client.PostAsJsonAsync("/auth/token", new { username = "admin", password = Password, label = "tests" });
        var value = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        _client.DefaultRequestHeaders.Add("X-Reauth-Password", Password);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private static string Rule(string id, string name) => $$"""
        { "id": "{{id}}", "name": "{{name}}",
          "trigger": { "events": ["MotionDetected"], "cameras": ["lobby"] },
          "actions": [ { "type": "snapshot" } ] }
        """;

    private async Task Ok(HttpResponseMessage response)
    {
        using (response)
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private Task<HttpResponseMessage> Post(string path, string json) =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<byte[]> BackupAsync(string passphrase = Passphrase)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/system/backup", new { passphrase });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".backup", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<HttpResponseMessage> SendFile(string path, byte[] file, string? passphrase = Passphrase)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (passphrase is not null) request.Headers.Add("X-Backup-Passphrase", passphrase);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> PreviewAsync(byte[] file)
    {
        using var response = await SendFile("/api/v1/system/restore/preview", file);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<string> Changes(JsonElement preview) =>
        preview.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("section").GetString()} {c.GetProperty("id").GetString()} {c.GetProperty("change").GetString()} [{string.Join(",", c.GetProperty("fields").EnumerateArray().Select(f => f.GetString()))}]")
            .Order(StringComparer.Ordinal).ToList();

    private async Task<(string Code, string Detail, HttpStatusCode Status)> Refusal(HttpResponseMessage response)
    {
        using (response)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (problem.GetProperty("code").GetString()!, problem.GetProperty("detail").GetString()!, response.StatusCode);
        }
    }

    private async Task<string> RulesJson() => await _client.GetStringAsync("/api/v1/rules");

    private async Task<string> Greeting()
    {
        using var response = await _client.GetAsync($"/plugins/{TestPluginPackage.Id}/hello");
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"{(int)response.StatusCode}";
    }

    private Task GreetingIs(string greeting) =>
        Eventually.UntilAsync(async () => await Greeting() == $"{greeting} from {TestPluginPackage.Id}", $"the plugin answers '{greeting}'", TimeSpan.FromSeconds(30));

    private async Task InstallTestPluginAsync()
    {
        var zip = TestPluginPackage.Create(Path.Combine(_host.DataDirectory, "zips"));
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(zip));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        await Ok(await _client.PostAsync("/api/v1/plugins", content));
    }

    [Fact]
    public async Task Backup_change_preview_exactly_the_differences_restore_brings_everything_back()
    {
        await InstallTestPluginAsync();
        await Ok(await _client.PutAsJsonAsync($"/api/v1/plugins/{TestPluginPackage.Id}/config", new { greeting = "saved" }));
        await Ok(await Post("/api/v1/rules", Rule("lobby-motion", "Motion in the lobby")));
        await Ok(await Post("/api/v1/rules", Rule("door-motion", "Motion at the door")));
        await Ok(await _client.PostAsJsonAsync("/api/v1/cameras", new { name = "Lobby", streamUri = "rtsp://192.0.2.10/stream1", username = "viewer", password = "lobby-secret" }));
        await Ok(await _client.PostAsJsonAsync("/api/v1/cameras", new { name = "Yard", streamUri = "rtsp://192.0.2.11/stream1" }));
        var rulesBefore = await RulesJson();
        var camerasBefore = await _client.GetStringAsync("/api/v1/cameras");
        await GreetingIs("saved");

        var file = await BackupAsync();
        Assert.DoesNotContain("lobby-secret", Encoding.UTF8.GetString(file));
        var key = await _client.GetFromJsonAsync<JsonElement>("/api/v1/system/backup/key");
        Assert.Equal(BackupEnvelope.ReadHeader(file).Value.SigningKey, key.GetProperty("publicKey").GetString());

        // Change everything: a rule renamed, one deleted, one added; a camera's password changed, one deleted, one added; the plugin's configuration.
        await Ok(await _client.PutAsync("/api/v1/rules/lobby-motion", new StringContent(Rule("lobby-motion", "Lobby"), Encoding.UTF8, "application/json")));
        await Ok(await _client.DeleteAsync("/api/v1/rules/door-motion"));
        await Ok(await Post("/api/v1/rules", Rule("gate-motion", "Motion at the gate")));
        await Ok(await _client.PutAsJsonAsync("/api/v1/cameras/lobby", new { password = "changed-secret" }));
        await Ok(await _client.DeleteAsync("/api/v1/cameras/yard"));
        await Ok(await _client.PostAsJsonAsync("/api/v1/cameras", new { name = "Gate", streamUri = "rtsp://192.0.2.12/stream1" }));
        await Ok(await _client.PutAsJsonAsync($"/api/v1/plugins/{TestPluginPackage.Id}/config", new { greeting = "changed" }));
        await GreetingIs("changed");

        var preview = await PreviewAsync(file);
        Assert.True(preview.GetProperty("signedByThisDevice").GetBoolean());
        Assert.Empty(preview.GetProperty("warnings").EnumerateArray());
        Assert.Equal(
            [
                "cameras gate removed []",
                "cameras lobby changed [password]",
                "cameras yard added []",
                "plugins test.portal-demo changed [config]",
                "rules door-motion added []",
                "rules gate-motion removed []",
                "rules lobby-motion changed [name]",
            ],
            Changes(preview));
        Assert.DoesNotContain("secret", preview.GetRawText());
        Assert.Equal("Lobby", JsonDocument.Parse(await RulesJson()).RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "lobby-motion").GetProperty("name").GetString());

        using (var restored = await SendFile("/api/v1/system/restore", file))
        {
            var body = await restored.Content.ReadAsStringAsync();
            Assert.True(restored.StatusCode == HttpStatusCode.OK, body);
            Assert.Empty(JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray());
        }
        Assert.Equal(rulesBefore, await RulesJson());
        Assert.Equal(camerasBefore, await _client.GetStringAsync("/api/v1/cameras"));
        var lobby = _host.App.Services.GetRequiredService<CameraStore>().List().Single(c => c.Id == "lobby");
        Assert.Equal("lobby-secret", lobby.Password);
        await GreetingIs("saved");
        Assert.Empty(Changes(await PreviewAsync(file)));
    }

    [Fact]
    public async Task Hostile_files_are_refused_with_their_reason_and_nothing_is_applied()
    {
        await Ok(await Post("/api/v1/rules", Rule("lobby-motion", "Motion in the lobby")));
        var file = await BackupAsync();
        await Ok(await _client.DeleteAsync("/api/v1/rules/lobby-motion"));
        var rulesBefore = await RulesJson();

        Assert.Equal("wrong-passphrase", (await Refusal(await SendFile("/api/v1/system/restore", file, "not the passphrase"))).Code);
        Assert.Equal("invalid", (await Refusal(await SendFile("/api/v1/system/restore", file, "short"))).Code);
        Assert.Equal("truncated", (await Refusal(await SendFile("/api/v1/system/restore", file[..(file.Length / 2)]))).Code);
        var tampered = (byte[])file.Clone();
        tampered[^100] ^= 0x40;
        Assert.Equal("tampered", (await Refusal(await SendFile("/api/v1/system/restore", tampered))).Code);
        Assert.Equal("malformed", (await Refusal(await SendFile("/api/v1/system/restore/preview", "not a backup at all"u8.ToArray()))).Code);
        var oversized = await Refusal(await SendFile("/api/v1/system/restore", new byte[BackupLimits.MaxFileBytes + 1]));
        Assert.Equal(("too-large", HttpStatusCode.RequestEntityTooLarge), (oversized.Code, oversized.Status));
        using (var shortPassphrase = await _client.PostAsJsonAsync("/api/v1/system/backup", new { passphrase = "too short" }))
            Assert.Equal(HttpStatusCode.BadRequest, shortPassphrase.StatusCode);

        // A backup whose contents this device refuses (a rule that does not validate) changes nothing, not even its valid parts.
        var other = DeviceSigningKey.Ephemeral();
        var mixed = new BackupDocument(1, [],
            [JsonDocument.Parse(Rule("fine", "Fine")).RootElement, JsonDocument.Parse(Rule("broken", "")).RootElement],
            [new CameraBackup("c1", "C1", true, "rtsp://192.0.2.20/s", null, null, null, null, "manual")]);
        var invalid = BackupEnvelope.Seal(mixed.ToUtf8(), Passphrase, other, "dev-other", DateTimeOffset.UtcNow);
        var refused = await Refusal(await SendFile("/api/v1/system/restore", invalid));
        Assert.Equal("invalid", refused.Code);
        Assert.Contains("rules[1].name", refused.Detail);
        Assert.Equal(rulesBefore, await RulesJson());
        Assert.DoesNotContain("c1", await _client.GetStringAsync("/api/v1/cameras"));
    }

    [Fact]
    public async Task A_plugin_configuration_its_schema_refuses_stops_the_whole_restore()
    {
        await InstallTestPluginAsync();
        await Ok(await _client.PutAsJsonAsync($"/api/v1/plugins/{TestPluginPackage.Id}/config", new { greeting = "kept" }));
        var document = new BackupDocument(1,
            [new PluginBackup(TestPluginPackage.Id, true, JsonDocument.Parse("""{ "greeting": 5 }""").RootElement)],
            [JsonDocument.Parse(Rule("would-be-added", "Never")).RootElement], []);
        var file = BackupEnvelope.Seal(document.ToUtf8(), Passphrase, DeviceSigningKey.Ephemeral(), "dev-other", DateTimeOffset.UtcNow);
        var refused = await Refusal(await SendFile("/api/v1/system/restore", file));
        Assert.Equal("invalid", refused.Code);
        Assert.Contains($"plugins.{TestPluginPackage.Id}", refused.Detail);
        Assert.DoesNotContain("would-be-added", await RulesJson());
        await GreetingIs("kept");
    }

    [Fact]
    public async Task A_backup_signed_by_another_device_is_shown_as_such_and_can_be_restored()
    {
        var other = DeviceSigningKey.Ephemeral();
        var document = new BackupDocument(1, [], [JsonDocument.Parse(Rule("from-elsewhere", "From another box")).RootElement], []);
        var file = BackupEnvelope.Seal(document.ToUtf8(), Passphrase, other, "dev-other", DateTimeOffset.UtcNow);
        var preview = await PreviewAsync(file);
        Assert.False(preview.GetProperty("signedByThisDevice").GetBoolean());
        Assert.Equal("dev-other", preview.GetProperty("deviceId").GetString());
        Assert.Contains("signed by another device", preview.GetProperty("warnings")[0].GetString());
        Assert.Equal(["rules from-elsewhere added []"], Changes(preview));
        await Ok(await SendFile("/api/v1/system/restore", file));
        Assert.Contains("from-elsewhere", await RulesJson());
    }

    [Fact]
    public async Task The_description_names_the_file_body_and_the_passphrase_header()
    {
        var description = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        foreach (var path in new[] { "/api/v1/system/restore", "/api/v1/system/restore/preview" })
        {
            var post = description.GetProperty("paths").GetProperty(path).GetProperty("post");
            Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
            Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "X-Backup-Passphrase");
            Assert.False(string.IsNullOrEmpty(post.GetProperty("summary").GetString()));
        }
        Assert.True(description.GetProperty("paths").GetProperty("/api/v1/system/backup").GetProperty("post").TryGetProperty("summary", out _));
    }

    [Fact]
    public async Task A_newer_format_version_is_refused_with_a_clear_message()
    {
        var file = await BackupAsync();
        var headerLength = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(8));
        var header = System.Text.Json.Nodes.JsonNode.Parse(file.AsSpan(12, headerLength))!;
        header["format"] = 2;
        var newer = BackupEnvelope.Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), file[(12 + headerLength + 4)..^64], DeviceSigningKey.Ephemeral());
        var refused = await Refusal(await SendFile("/api/v1/system/restore/preview", newer));
        Assert.Equal("unsupported-version", refused.Code);
        Assert.Contains("format version 2", refused.Detail);
    }
}
