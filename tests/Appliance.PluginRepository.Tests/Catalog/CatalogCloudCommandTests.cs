using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// The fleet installs and updates a plugin from the signed catalog by cloud command: <c>mosquitto_rr</c> (an
/// independent MQTT 5 client) asks over the real TLS mosquitto and waits on its response topic; the catalog's own
/// refusals come back as error results with their codes.
/// </summary>
public sealed class CatalogCloudCommandTests(CatalogHost fixture) : IClassFixture<CatalogHost>
{
    private async Task<JsonElement> AskAsync(string requestId, string command, object args)
    {
        var (certificate, key) = fixture.Pki.Client("fleet");
        var payload = JsonSerializer.Serialize(new { requestId, command, args });
        var info = new ProcessStartInfo("mosquitto_rr",
        [
            "-h", "127.0.0.1", "-p", fixture.Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cafile", fixture.Pki.CaPath, "--cert", certificate, "--key", key, "-V", "5", "-i", $"fleet-{requestId}",
            "-t", $"appliance/{CatalogHost.Device}/commands", "-e", $"appliance/{CatalogHost.Device}/responses/{requestId}",
            "-m", payload, "-W", "90",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var rr = Process.Start(info)!;
        var output = await rr.StandardOutput.ReadToEndAsync();
        var error = await rr.StandardError.ReadToEndAsync();
        await rr.WaitForExitAsync();
        Assert.True(rr.ExitCode == 0, $"mosquitto_rr exited {rr.ExitCode}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static string? Code(JsonElement result) =>
        result.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;

    [Fact]
    public async Task The_fleet_installs_and_updates_a_plugin_from_the_signed_catalog()
    {
        const string id = "test.catalog-cloud";
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"));
        // The link connects once the host has started; until then mosquitto_rr would wait in vain, so ask after it.
        await Eventually.UntilAsync(async () => (await fixture.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cloud")).GetProperty("connected").GetBoolean(),
            "the cloud link connected", TimeSpan.FromSeconds(30));

        var installed = await AskAsync("install-1", "plugin.install", new { id });
        Assert.True(installed.GetProperty("status").GetString() == "ok", installed.GetRawText());
        Assert.Equal("1.0.0", installed.GetProperty("data").GetProperty("version").GetString());
        await fixture.AssertRunningAsync(id, "1.0.0");

        var again = await AskAsync("install-2", "plugin.install", new { id });
        Assert.Equal("installed", Code(again));

        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"), CatalogHost.Ok("1.1.0"));
        var updated = await AskAsync("update-1", "plugin.update", new { id, version = "1.1.0" });
        Assert.True(updated.GetProperty("status").GetString() == "ok", updated.GetRawText());
        await fixture.AssertRunningAsync(id, "1.1.0");

        var notInstalled = await AskAsync("update-2", "plugin.update", new { id = "test.catalog-never" });
        Assert.Equal("not-installed", Code(notInstalled));
        var noId = await AskAsync("install-3", "plugin.install", new { version = "1.0.0" });
        Assert.Equal("malformed", Code(noId));
    }
}
