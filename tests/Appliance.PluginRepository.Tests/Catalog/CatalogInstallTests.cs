using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// A plugin installs from the signed catalog into the real host, updates, and rolls back when the new version turns
/// unhealthy within the grace period or fails at start. Each test uses its own plugin id.
/// </summary>
public sealed class CatalogInstallTests(CatalogHost fixture) : IClassFixture<CatalogHost>
{
    [Fact]
    public async Task A_plugin_installs_from_the_signed_catalog_and_updates()
    {
        const string id = "test.catalog-update";
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"));
        var catalog = await fixture.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/catalog");
        Assert.Equal(("stable", "repo", CatalogHost.Model), (catalog.GetProperty("channel").GetString(), catalog.GetProperty("signedBy").GetString(), catalog.GetProperty("hardwareModel").GetString()));
        var entry = catalog.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
        Assert.Equal("install", entry.GetProperty("action").GetString());

        using (var installed = await fixture.PostAsync(id, "install"))
            Assert.True(installed.IsSuccessStatusCode, await installed.Content.ReadAsStringAsync());
        await fixture.AssertRunningAsync(id, "1.0.0");
        var progress = await fixture.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/catalog/progress");
        var done = progress.EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
        Assert.Equal("done", done.GetProperty("stage").GetString());
        Assert.Equal(done.GetProperty("total").GetInt64(), done.GetProperty("received").GetInt64());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Host.DataDirectory, "downloads")));

        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"), CatalogHost.Ok("1.1.0"));
        catalog = await fixture.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins/catalog");
        var actions = catalog.GetProperty("packages").EnumerateArray().Where(p => p.GetProperty("id").GetString() == id)
            .ToDictionary(p => p.GetProperty("version").GetString()!, p => p.GetProperty("action").GetString());
        Assert.Equal("installed", actions["1.0.0"]);
        Assert.Equal("update", actions["1.1.0"]);
        using (var again = await fixture.PostAsync(id, "install"))
            Assert.Equal((409, "installed"), CatalogHost.StatusAndCode(await CatalogHost.ProblemAsync(again)));
        using (var updated = await fixture.PostAsync(id, "update"))
            Assert.True(updated.IsSuccessStatusCode, await updated.Content.ReadAsStringAsync());
        await fixture.AssertRunningAsync(id, "1.1.0");
        Assert.Equal("updated from 1.0.0 to 1.1.0", (await fixture.StatusAsync(id)).LastUpdate);
    }

    [Fact]
    public async Task An_update_that_turns_unhealthy_within_the_grace_period_rolls_back()
    {
        const string id = "test.catalog-unhealthy";
        await fixture.InstallRunningAsync(id, "1.0.0");
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"), ("2.0.0", "unhealthy", []));
        using (var updated = await fixture.PostAsync(id, "update"))
            Assert.True(updated.IsSuccessStatusCode, await updated.Content.ReadAsStringAsync());
        // The slot names the previous version as soon as the rollback starts it; the rollback has happened only
        // once its outcome is recorded, so wait for that, not for the version.
        var status = await Eventually.UntilAsync(() => fixture.StatusAsync(id), s => s.LastUpdate?.StartsWith("rolled back", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20));
        await fixture.AssertRunningAsync(id, "1.0.0");
        Assert.StartsWith("rolled back to 1.0.0: 2.0.0 reported 'probe' unhealthy within the swap grace period", status.LastUpdate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_that_fails_at_start_rolls_back_and_says_so()
    {
        const string id = "test.catalog-throws";
        await fixture.InstallRunningAsync(id, "1.0.0");
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"), ("2.1.0", "throw", []));
        using var updated = await fixture.PostAsync(id, "update");
        var (status, code, detail) = await CatalogHost.ProblemAsync(updated);
        Assert.Equal((422, "rolled-back"), (status, code));
        Assert.Contains("rolled back to 1.0.0: 2.1.0 threw at start", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }
}
