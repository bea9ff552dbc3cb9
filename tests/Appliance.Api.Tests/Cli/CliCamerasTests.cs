using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Api.Tests.Support;

namespace Appliance.Api.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliCamerasTests(CliHostFixture fixture)
{
    [Fact]
    public async Task Cameras_AddByRtspUrl_ListShowHealthRemove()
    {
        var added = await Run(0, "cameras", "add", "--url", "rtsp://127.0.0.1:8554/cli", "--name", "CLI porch", "--user", "viewer", "--password", "porch-secret-pw", "--transport", "tcp");
        Assert.Equal("added cli-porch (CLI porch)", added.Stdout.Trim());

        var list = await Run(0, "cameras", "list");
        Assert.Matches(@"(?m)^cli-porch\s+CLI porch\s+yes\s+rtsp://127\.0\.0\.1:8554/cli\s+no health yet", list.Stdout);

        var shown = await Run(0, "cameras", "show", "cli-porch");
        Assert.Matches(@"(?m)^password\s+\(set\)$", shown.Stdout);
        Assert.DoesNotContain("porch-secret-pw", shown.Stdout);
        var json = JsonDocument.Parse((await Run(0, "cameras", "show", "cli-porch", "--json")).Stdout).RootElement;
        Assert.Equal("tcp", json.GetProperty("overrides").GetProperty("rtspTransport").GetString());
        Assert.True(json.GetProperty("hasPassword").GetBoolean());

        var health = await Run(1, "cameras", "health", "cli-porch");
        Assert.Contains("camera 'cli-porch' has no stream health yet", health.Stderr);

        Assert.Equal("removed cli-porch", (await Run(0, "cameras", "remove", "cli-porch")).Stdout.Trim());
        Assert.DoesNotContain("cli-porch", (await Run(0, "cameras", "list")).Stdout);
        Assert.Contains("404 camera 'cli-porch' does not exist", (await Run(1, "cameras", "remove", "cli-porch")).Stderr);
    }

    [Fact]
    public async Task Cameras_AddByOnvifAddress_Discover_AndBadAddressesAreRefused()
    {
        var onvif = await Run(0, "cameras", "add", "--onvif", "http://127.0.0.1:18080/onvif/device_service");
        Assert.StartsWith("added ", onvif.Stdout);
        var id = onvif.Stdout.Split(' ')[1];
        await Run(0, "cameras", "remove", id);

        var bad = await Run(1, "cameras", "add", "--url", "http://127.0.0.1/not-rtsp");
        Assert.Contains("400 streamUri: 'http://127.0.0.1/not-rtsp' is not an rtsp:// or rtsps:// URL with a host", bad.Stderr);
        Assert.Equal(2, (await fixture.Cli.RunAsync("cameras", "add", "--url", "rtsp://127.0.0.1/x", "--password", "p")).ExitCode);
        Assert.Equal(2, (await fixture.Cli.RunAsync("cameras", "add", "--url", "rtsp://127.0.0.1/x", "--transport", "sctp")).ExitCode);

        Assert.Contains("discovery requested", (await Run(0, "cameras", "discover")).Stdout);
        var discovered = await Run(0, "cameras", "discovered", "--json");
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(discovered.Stdout).RootElement.ValueKind);
    }

    /// <summary>
    /// <c>cameras urls</c> and <c>GET /api/v1/cameras/urls</c>: one line per camera. This host runs no RTSP server or ONVIF
    /// plugin, so both addresses are absent ("-", null); with them (and their configured ports) see
    /// <c>plugins/Onvif/tests/Onvif.Facade.Tests/VmsAddressesAndDigestOptInTests</c>.
    /// </summary>
    [Fact]
    public async Task Cameras_Urls_OneLinePerCamera_AndNoAddressWithoutThePlugins()
    {
        await Run(0, "cameras", "add", "--url", "rtsp://127.0.0.1:8554/urls", "--name", "Urls porch");
        try
        {
            var lines = await Run(0, "cameras", "urls");
            Assert.Matches(@"(?m)^ID\s+NAME\s+RTSP URL\s+ONVIF ADDRESS\s*$", lines.Stdout);
            Assert.Matches(@"(?m)^urls-porch\s+Urls porch\s+-\s+-\s*$", lines.Stdout);
            var json = JsonDocument.Parse((await Run(0, "cameras", "urls", "--json")).Stdout).RootElement;
            var entry = json.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "urls-porch");
            Assert.Equal(JsonValueKind.Null, entry.GetProperty("rtspUrl").ValueKind);
            Assert.Equal(JsonValueKind.Null, entry.GetProperty("onvifAddress").ValueKind);
            Assert.Equal("p_urls-porch", entry.GetProperty("onvifProfile").GetString());
            var api = await fixture.Host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/urls");
            Assert.Equal("Urls porch", api.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "urls-porch").GetProperty("name").GetString());
        }
        finally
        {
            await Run(0, "cameras", "remove", "urls-porch");
        }
    }

    private async Task<CliResult> Run(int exitCode, params string[] args)
    {
        var result = await fixture.Cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"appliancectl {string.Join(' ', args)}: {result}");
        return result;
    }
}
