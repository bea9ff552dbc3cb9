using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.PluginRepository.Tests.Support;
using Appliance.Testing;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// The host's configuration drives the transport: a host whose <c>network.proxy</c> is tinyproxy with basic auth
/// (<c>network.proxyUsername</c>/<c>proxyPassword</c>) and a bandwidth limit fetches the catalog and installs through it.
/// </summary>
public sealed class CatalogProxyTests(CatalogHost fixture) : IClassFixture<CatalogHost>
{
    private async Task<HostProcess> ProxiedHostAsync(int proxyPort, string password, long bytesPerSecond = 4 * 1024 * 1024) =>
        await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["plugins"] = new JsonObject
            {
                ["watchDirectory"] = false,
                ["allowUnsigned"] = false,
                ["repository"] = new JsonObject
                {
                    ["url"] = fixture.Server.BaseUri.ToString(),
                    ["trustDirectory"] = fixture.Repository.TrustFolder,
                    ["trustedCaFile"] = fixture.Tls.PemPath,
                    ["hardwareModel"] = CatalogHost.Model,
                    ["bandwidthBytesPerSecond"] = bytesPerSecond,
                    ["timeoutSeconds"] = 5,
                },
            },
            ["network"] = new JsonObject
            {
                ["proxy"] = $"127.0.0.1:{proxyPort}",
                ["proxyUsername"] = "appliance",
                ["proxyPassword"] = password,
            },
        });

    [Fact]
    public async Task The_configured_proxy_with_basic_auth_carries_the_catalog_and_the_install()
    {
        const string id = "test.catalog-proxied";
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"));
        using var proxy = await Tinyproxy.StartAsync(fixture.Repository.Root, "appliance", "pr0xy-pass");
        await using var host = await ProxiedHostAsync(proxy.Port, "pr0xy-pass");
        await host.LoginAsync();

        var catalog = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/catalog");
        Assert.Contains(catalog.GetProperty("packages").EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        using (var installed = await host.Client.PostAsync($"/api/v1/plugins/catalog/{id}/install", null))
            Assert.True(installed.IsSuccessStatusCode, await installed.Content.ReadAsStringAsync());
        Assert.Equal($"hello from {id} 1.0.0", await host.Client.GetStringAsync($"/plugins/{id}/hello"));
        Assert.Contains($"CONNECT 127.0.0.1:{fixture.Server.Port} HTTP/1.1", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_large_package_downloads_at_the_configured_rate_with_progress_to_see()
    {
        const string id = "test.catalog-large";
        var zip = await fixture.ZipAsync(id, "1.0.0", padding: 3 * 1024 * 1024);
        fixture.Repository.Publish(fixture.NextSerial(), [TestRepository.Stable(zip)]);
        using var proxy = await Tinyproxy.StartAsync(fixture.Repository.Root, "appliance", "pr0xy-pass");
        await using var host = await ProxiedHostAsync(proxy.Port, "pr0xy-pass", bytesPerSecond: 1024 * 1024);
        await host.LoginAsync();

        var started = DateTime.UtcNow;
        var install = host.Client.PostAsync($"/api/v1/plugins/catalog/{id}/install", null);
        // Progress seen part-way through the download (or the install over before it could be seen: then midway stays null).
        var midway = await Eventually.UntilAsync(async () =>
        {
            var progress = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/catalog/progress");
            return progress.EnumerateArray().Where(p => p.GetProperty("id").GetString() == id && p.GetProperty("stage").GetString() == "downloading"
                    && p.GetProperty("received").GetInt64() is > 0 and var received && received < p.GetProperty("total").GetInt64())
                .Select(p => (JsonElement?)p.Clone()).LastOrDefault();
        }, seen => seen is not null || install.IsCompleted, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        using (var response = await install)
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.NotNull(midway);
        // 3 MiB at 1 MiB/s: close to 3 s, never much less.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2.5), $"took {DateTime.UtcNow - started}");
        Assert.Equal($"hello from {id} 1.0.0", await host.Client.GetStringAsync($"/plugins/{id}/hello"));
    }

    [Fact]
    public async Task A_wrong_proxy_password_in_the_configuration_is_a_clear_error()
    {
        using var proxy = await Tinyproxy.StartAsync(fixture.Repository.Root, "appliance", "pr0xy-pass");
        await using var host = await ProxiedHostAsync(proxy.Port, "not-the-password");
        await host.LoginAsync();
        using var response = await host.Client.GetAsync("/api/v1/plugins/catalog");
        var (status, code, detail) = await CatalogHost.ProblemAsync(response);
        Assert.Equal((502, "transport"), (status, code));
        Assert.Contains($"proxy tunnel request to proxy 'http://127.0.0.1:{proxy.Port}/' failed", detail, StringComparison.Ordinal);
    }
}
