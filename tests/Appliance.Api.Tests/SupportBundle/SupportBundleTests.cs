using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;

namespace Appliance.Api.Tests.SupportBundle;

/// <summary>
/// <c>GET /api/v1/system/support-bundle</c> and <c>appliancectl system support-bundle</c> against a real host child
/// process configured with secrets everywhere (proxy password, backup passphrase, enrolment token, a URL with a
/// password and a signed query, a plugin's secret setting, a camera's password): the bundle unpacks with .NET and
/// with the system's tar, holds every part, and none of its files holds any of those secrets.
/// </summary>
public sealed class SupportBundleTests : IAsyncLifetime
{
    private const string ProxyPassword = "proxy-pw-7f3a9c";
    private const string BackupPassphrase = "backup-passphrase-51e2";
    private const string EnrolmentToken = "enrol-token-d41b";
    private const string UrlPassword = "url-pw-0c77";
    private const string UrlSignature = "sig-8e21aa";
    private const string PluginSecret = "plugin-api-key-93fd";
    private const string PluginUrlPassword = "plugin-url-pw-5a1c";
    private const string CameraPassword = "camera-pw-2b6e";
    private static readonly string[] Secrets = [ProxyPassword, BackupPassphrase, EnrolmentToken, UrlPassword, UrlSignature, PluginSecret, PluginUrlPassword, CameraPassword];

    private HostProcess _host = null!;
    private Appliancectl _cli = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("appl-bundle-").FullName;
        _host = await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["network"] = new JsonObject { ["proxy"] = "127.0.0.1:3128", ["proxyUsername"] = "site", ["proxyPassword"] = ProxyPassword },
            ["cloud"] = new JsonObject
            {
                ["backupPassphrase"] = BackupPassphrase,
                ["backupUrl"] = $"https://uploader:{UrlPassword}@127.0.0.1:9/backups?signature={UrlSignature}",
                ["enrolment"] = new JsonObject { ["url"] = "https://127.0.0.1:9/.well-known/est", ["token"] = EnrolmentToken },
            },
        });
        await _host.LoginAsync();
        _cli = await Appliancectl.LoggedInAsync(_host, Path.Combine(_work, "cli", "config.json"));

        var zip = TestPluginPackage.Create(Path.Combine(_work, "zips"), "1.4.0", manifest =>
        {
            manifest["config"]!.AsObject()["apiKey"] = new JsonObject { ["type"] = "string", ["secret"] = true, ["description"] = "A secret" };
            manifest["config"]!.AsObject()["upstream"] = new JsonObject { ["type"] = "string", ["description"] = "Not marked secret, holds a password" };
        });
        await _cli.ExpectAsync(0, ["plugins", "install", zip]);
        await _cli.ExpectAsync(0, ["plugins", "config", "set", TestPluginPackage.Id, "apiKey", "--value-stdin"], stdin: PluginSecret + "\n");
        await _cli.ExpectAsync(0, ["plugins", "config", "set", TestPluginPackage.Id, "upstream", $"rtsp://relay:{PluginUrlPassword}@127.0.0.1:8554/up"]);
        await _cli.ExpectAsync(0, ["cameras", "add", "--stream-uri", "rtsp://127.0.0.1:8554/bundle", "--name", "Bundle porch", "--user", "viewer", "--password-stdin"], stdin: CameraPassword + "\n");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var dir in new[] { _host.DataDirectory, _work })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task TheBundle_UnpacksWithTar_HoldsEveryPart_AndNoSecret()
    {
        using var response = await _host.Client.GetAsync("/api/v1/system/support-bundle");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName;
        Assert.Matches(@"^appliance-support-[A-Za-z0-9.-]+-\d{8}T\d{6}Z\.tar\.gz$", name);
        var bundle = await response.Content.ReadAsByteArrayAsync();

        var files = TarGzFiles.Read(bundle);
        foreach (var part in new[] { "README.txt", "versions.json", "health.json", "config/appliance.json", $"config/plugins/{TestPluginPackage.Id}.json", "network-requirements.md", "events.json", "manifest.json" })
            Assert.True(files.ContainsKey(part), $"{part} missing; the bundle holds {string.Join(", ", files.Keys)}");

        // The system's tar reads it too and finds the same files with the same content.
        var extracted = Path.Combine(_work, "extracted");
        Directory.CreateDirectory(extracted);
        var archive = Path.Combine(_work, name!);
        await File.WriteAllBytesAsync(archive, bundle);
        var tar = await RunAsync("tar", "-xzf", archive, "-C", extracted);
        Assert.True(tar.ExitCode == 0, tar.Output);
        foreach (var (path, content) in files)
            Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(extracted, path)));

        // The manifest lists every other file with its size.
        var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("bytes").GetInt64());
        Assert.Equal(files.Keys.Where(k => k != "manifest.json").Order(), manifest.Keys.Order());
        foreach (var (path, bytes) in manifest) Assert.Equal(files[path].Length, bytes);

        // Versions name the plugin and its state; health is the registry's report; the plugin's secret is set but null.
        var versions = JsonDocument.Parse(files["versions.json"]).RootElement;
        Assert.False(string.IsNullOrEmpty(versions.GetProperty("product").GetString()));
        var plugin = versions.GetProperty("plugins").EnumerateArray().Single(p => p.GetProperty("id").GetString() == TestPluginPackage.Id);
        Assert.Equal("1.4.0", plugin.GetProperty("version").GetString());
        Assert.Equal("running", plugin.GetProperty("state").GetString());
        Assert.True(JsonDocument.Parse(files["health.json"]).RootElement.TryGetProperty("overall", out _));
        var pluginConfig = JsonDocument.Parse(files[$"config/plugins/{TestPluginPackage.Id}.json"]).RootElement;
        Assert.Equal(JsonValueKind.Null, pluginConfig.GetProperty("config").GetProperty("apiKey").ValueKind);
        Assert.Equal(["apiKey"], pluginConfig.GetProperty("secretsSet").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("rtsp://removed@127.0.0.1:8554/up", pluginConfig.GetProperty("config").GetProperty("upstream").GetString());

        // The appliance options are there, with the secrets marked removed and the rest intact.
        var options = JsonDocument.Parse(files["config/appliance.json"]).RootElement;
        Assert.Equal("127.0.0.1:3128", options.GetProperty("network").GetProperty("proxy").GetString());
        Assert.Equal("(secret, removed)", options.GetProperty("network").GetProperty("proxyPassword").GetString());
        Assert.Equal("(secret, removed)", options.GetProperty("cloud").GetProperty("enrolment").GetProperty("token").GetString());
        Assert.StartsWith("https://removed@127.0.0.1:9/backups?removed", options.GetProperty("cloud").GetProperty("backupUrl").GetString());
        Assert.False(options.TryGetProperty("pluginConfig", out _));

        Assert.Contains("| ", Encoding.UTF8.GetString(files["network-requirements.md"]));
        // Without system services the host's log is not kept: the README says so.
        Assert.False(files.ContainsKey("logs/host.log"));
        Assert.Contains("logs/host.log is missing: system services are off", Encoding.UTF8.GetString(files["README.txt"]));

        // No file of the bundle holds any secret, in any of the extracted files (grep -r over the tree).
        foreach (var secret in Secrets)
        {
            var grep = await RunAsync("grep", "-r", "-l", "-F", secret, extracted);
            Assert.True(grep.ExitCode == 1, $"'{secret}' found in: {grep.Output}");
            Assert.DoesNotContain(files, f => Encoding.UTF8.GetString(f.Value).Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TheBundle_IsRefusedToAnonymousCallersAndNonAdministrators()
    {
        using var anonymous = NewClient();
        using (var response = await anonymous.GetAsync("/api/v1/system/support-bundle"))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        foreach (var role in new[] { "viewer", "operator" })
        {
            var user = "bundle-" + role;
            const string Password = "bundle-Pass-word-42";
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username = user, password = Password, role }) })
            {
                request.Headers.Add("X-Reauth-Password", HostProcess.AdminPassword);
                using var created = await _host.Client.SendAsync(request);
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            }
            using var client = NewClient();
            using (var token = await client.PostAsJsonAsync("/auth/token", new { username = user, password = Password, label = "bundle" }))
            {
                token.EnsureSuccessStatusCode();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
            }
            using var response = await client.GetAsync("/api/v1/system/support-bundle");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("this needs the admin role", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Appliancectl_WritesTheBundle_ToTheFileNamed()
    {
        var path = Path.Combine(_work, "out", "bundle.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var run = await _cli.ExpectAsync(0, ["system", "support-bundle", "-o", path]);
        Assert.Equal($"wrote {path} ({new FileInfo(path).Length} bytes)", run.Stdout.Trim());
        var files = TarGzFiles.Read(await File.ReadAllBytesAsync(path));
        Assert.Contains("versions.json", files.Keys);
        Assert.Contains("manifest.json", files.Keys);
        Assert.False(File.Exists(path + ".part"));

        // A folder that does not exist: exit 1 with the reason, nothing written.
        var missing = Path.Combine(_work, "no-such-folder", "bundle.tar.gz");
        Assert.Contains("cannot write", (await _cli.ExpectAsync(1, ["system", "support-bundle", "-o", missing])).Stderr);
        Assert.False(File.Exists(missing));
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = _host.BaseUri };

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
