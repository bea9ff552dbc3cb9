using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.PluginRepository.Tests.Support;
using Appliance.Testing;
using Appliance.Tools.PluginRepo;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// The real host (child process) configured like a production box for plugins: unsigned zips refused, the trust
/// folder holding only the test repository's key, the repository served over HTTPS by <see cref="RepositoryServer"/>.
/// Probe plugin packages are built once (the real probe build) and packed with a manifest per id, version and mode.
/// Its cloud link is up on a TLS mosquitto (device <see cref="Device"/>), so the fleet can install from the catalog too.
/// </summary>
public sealed class CatalogHost : IAsyncLifetime
{
    public const string Model = "test-board";
    public const string Device = "dev-1";
    private long _serial;

    public TestRepository Repository { get; } = new();

    public TestTls Tls { get; private set; } = null!;

    public RepositoryServer Server { get; private set; } = null!;

    public HostProcess Host { get; private set; } = null!;

    public TestPki Pki { get; private set; } = null!;

    public MosquittoPeer Broker { get; private set; } = null!;

    public string ZipFolder => Path.Combine(Repository.Root, "zips");

    public async Task InitializeAsync()
    {
        Tls = TestTls.Create(Repository.Root);
        Server = await RepositoryServer.StartAsync(Repository.Folder, Tls.Certificate);
        await TestPluginBuilder.BuildProbeAsync("1.0.0");
        Pki = TestPki.Create(Path.Combine(Repository.Root, "pki"));
        Broker = await MosquittoPeer.StartAsync(Pki, Path.Combine(Repository.Root, "broker"));
        var (certificate, key) = Pki.Client(Device);
        Host = await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["cloud"] = new JsonObject
            {
                ["enabled"] = true,
                ["deviceId"] = Device,
                ["brokers"] = new JsonArray($"127.0.0.1:{Broker.Port}"),
                ["caFile"] = Pki.CaPath,
                ["certificateFile"] = certificate,
                ["keyFile"] = key,
                ["maxBackoffSeconds"] = 1,
                ["commands"] = new JsonArray("plugin.install", "plugin.update"),
            },
            ["plugins"] = new JsonObject
            {
                ["startTimeoutSeconds"] = 5,
                ["stopTimeoutSeconds"] = 5,
                ["watchDirectory"] = false,
                ["allowUnsigned"] = false,
                ["swapGraceSeconds"] = 30,
                ["repository"] = new JsonObject
                {
                    ["url"] = Server.BaseUri.ToString(),
                    ["trustDirectory"] = Repository.TrustFolder,
                    ["trustedCaFile"] = Tls.PemPath,
                    ["hardwareModel"] = Model,
                    ["timeoutSeconds"] = 3,
                    ["stallSeconds"] = 3,
                },
            },
        });
        await Host.LoginAsync();
    }

    /// <summary>A higher serial than any published so far.</summary>
    public long NextSerial() => Interlocked.Increment(ref _serial);

    /// <summary>A probe package (the real probe build) with this id and version whose start does what <paramref name="mode"/> says.</summary>
    public async Task<string> ZipAsync(string id, string version, string mode = "ok", int padding = 0)
    {
        var build = await TestPluginBuilder.BuildProbeAsync("1.0.0");
        Directory.CreateDirectory(ZipFolder);
        var zip = Path.Combine(ZipFolder, $"{id}-{version}-{mode}-{padding}.zip");
        if (File.Exists(zip)) return zip;
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var file in Directory.EnumerateFiles(build)) archive.CreateEntryFromFile(file, Path.GetFileName(file));
            if (padding > 0)
            {
                // Random bytes, stored: a large package whose download takes visible time under a bandwidth limit.
                using var pad = archive.CreateEntry("padding.bin", CompressionLevel.NoCompression).Open();
                pad.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(padding));
            }
            var manifest = TestPluginBuilder.ProbeManifest(id, version, new JsonObject { ["mode"] = mode }, null);
            using var writer = new StreamWriter(archive.CreateEntry("plugin.json").Open());
            writer.Write(manifest.ToJsonString());
        }
        return zip;
    }

    /// <summary>Publishes exactly these packages (all for any hardware model unless given) under a new serial.</summary>
    public async Task PublishAsync(string id, params (string Version, string Mode, string[] Models)[] packages)
    {
        var entries = new List<PackageEntry>();
        foreach (var (version, mode, models) in packages)
            entries.Add(new PackageEntry(await ZipAsync(id, version, mode), "stable", models.Length == 0 ? ["*"] : models));
        Repository.Publish(NextSerial(), entries);
    }

    public static (string, string, string[]) Ok(string version) => (version, "ok", []);

    public Task<HttpResponseMessage> PostAsync(string id, string action, string query = "") =>
        Host.Client.PostAsync($"/api/v1/plugins/catalog/{id}/{action}{query}", null);

    /// <summary>The plugin's version and state as the API shows them.</summary>
    public async Task<(string Version, string State, string? LastUpdate)> StatusAsync(string id)
    {
        var status = await Host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{id}");
        return (status.GetProperty("version").GetString()!, status.GetProperty("state").GetString()!,
            status.TryGetProperty("lastUpdate", out var last) && last.ValueKind == JsonValueKind.String ? last.GetString() : null);
    }

    /// <summary>Installs <paramref name="version"/> of <paramref name="id"/> from the catalog and checks it runs.</summary>
    public async Task InstallRunningAsync(string id, string version, params (string, string, string[])[] alsoPublished)
    {
        await PublishAsync(id, [Ok(version), .. alsoPublished]);
        using var response = await PostAsync(id, "install", $"?version={version}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await AssertRunningAsync(id, version);
    }

    /// <summary>The running version is the given one and still serves its route.</summary>
    public async Task AssertRunningAsync(string id, string version)
    {
        var (running, state, last) = await StatusAsync(id);
        Assert.True((version, "Running") == (running, state), $"{id}: {running} {state} ({last})");
        Assert.Equal($"hello from {id} 1.0.0", await Host.Client.GetStringAsync($"/plugins/{id}/hello"));
    }

    /// <summary>The problem answer's status and code.</summary>
    public static async Task<(int Status, string Code, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)response.StatusCode, body.GetProperty("code").GetString()!, body.GetProperty("detail").GetString()!);
    }

    public static (int Status, string Code) StatusAndCode((int Status, string Code, string Detail) problem) => (problem.Status, problem.Code);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Broker.DisposeAsync();
        Pki.Dispose();
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
