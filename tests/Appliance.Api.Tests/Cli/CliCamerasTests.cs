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
        var added = await Run(0, "cameras", "add", "--stream-uri", "rtsp://127.0.0.1:8554/cli", "--name", "CLI porch", "--user", "viewer", "--password", "porch-secret-pw", "--transport", "tcp");
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

        var bad = await Run(1, "cameras", "add", "--stream-uri", "http://127.0.0.1/not-rtsp");
        Assert.Contains("400 streamUri: 'http://127.0.0.1/not-rtsp' is not an rtsp:// or rtsps:// URL with a host", bad.Stderr);
        Assert.Equal(2, (await fixture.Cli.RunAsync("cameras", "add", "--stream-uri", "rtsp://127.0.0.1/x", "--password", "p")).ExitCode);
        Assert.Equal(2, (await fixture.Cli.RunAsync("cameras", "add", "--stream-uri", "rtsp://127.0.0.1/x", "--transport", "sctp")).ExitCode);
        // --url is the appliance's address everywhere: a camera stream there is a usage error that names --stream-uri.
        var collision = await fixture.Cli.RunAsync("cameras", "add", "--url", "rtsp://127.0.0.1/x");
        Assert.Equal(2, collision.ExitCode);
        Assert.Contains("(a camera's stream goes in --stream-uri)", collision.Stderr);

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
        await Run(0, "cameras", "add", "--stream-uri", "rtsp://127.0.0.1:8554/urls", "--name", "Urls porch");
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

    /// <summary><c>cameras edit</c>: PUT /api/v1/cameras/{id} with only the given options; the rest of the camera stays.</summary>
    [Fact]
    public async Task CamerasEdit_ChangesOnlyTheGivenSettings_PasswordFromStdin()
    {
        var added = await fixture.Cli.ExpectAsync(0, ["cameras", "add", "--stream-uri", "rtsp://127.0.0.1:8554/edit", "--name", "Edit porch", "--user", "viewer", "--password-stdin", "--transport", "udp"],
            stdin: "edit-secret-pw\n");
        Assert.Equal("added edit-porch (Edit porch)", added.Stdout.Trim());
        try
        {
            Assert.True(await Camera("hasPassword") is { ValueKind: JsonValueKind.True });

            Assert.Equal("changed edit-porch (Edit gate)", (await Run(0, "cameras", "edit", "edit-porch", "--name", "Edit gate")).Stdout.Trim());
            Assert.Equal("rtsp://127.0.0.1:8554/edit", (await Camera("streamUri")).GetString());
            Assert.Equal("viewer", (await Camera("username")).GetString());
            Assert.True(await Camera("hasPassword") is { ValueKind: JsonValueKind.True });

            // A new address for the device: stored credentials do not follow it, the password must come again (here on stdin).
            string[] moved = ["cameras", "edit", "edit-porch", "--stream-uri", "rtsp://127.0.0.1:8554/edit-main", "--onvif-uri", "http://127.0.0.1:18080/onvif/device_service"];
            Assert.Contains("give its password again", (await Run(1, moved)).Stderr);
            await fixture.Cli.ExpectAsync(0, [.. moved, "--password-stdin"], stdin: "edit-secret-pw\n");
            Assert.Equal("Edit gate", (await Camera("name")).GetString());
            Assert.Equal("rtsp://127.0.0.1:8554/edit-main", (await Camera("streamUri")).GetString());
            Assert.Equal("http://127.0.0.1:18080/onvif/device_service", (await Camera("onvifUri")).GetString());
            Assert.Equal("udp", (await Camera("overrides")).GetProperty("rtspTransport").GetString());

            await Run(0, "cameras", "edit", "edit-porch", "--transport", "tcp", "--disable");
            Assert.Equal("tcp", (await Camera("overrides")).GetProperty("rtspTransport").GetString());
            Assert.True(await Camera("enabled") is { ValueKind: JsonValueKind.False });
            Assert.Equal("Edit gate", (await Camera("name")).GetString());
            await Run(0, "cameras", "edit", "edit-porch", "--enable");
            Assert.True(await Camera("enabled") is { ValueKind: JsonValueKind.True });

            // Nothing to change, both --enable and --disable, both password sources, an empty stdin: usage errors.
            Assert.Contains("give at least one setting to change", (await Run(2, "cameras", "edit", "edit-porch")).Stderr);
            await Run(2, "cameras", "edit", "edit-porch", "--enable", "--disable");
            Assert.Equal(2, (await fixture.Cli.RunAsync(["cameras", "edit", "edit-porch", "--password", "p", "--password-stdin"], stdin: "p\n")).ExitCode);
            var empty = await fixture.Cli.RunAsync(["cameras", "edit", "edit-porch", "--password-stdin"], stdin: "");
            Assert.Equal(2, empty.ExitCode);
            Assert.Contains("standard input holds no camera password", empty.Stderr);
            Assert.Contains("400 streamUri:", (await Run(1, "cameras", "edit", "edit-porch", "--stream-uri", "ftp://127.0.0.1/x")).Stderr);
            Assert.Contains("404 camera 'no-such-camera' does not exist", (await Run(1, "cameras", "edit", "no-such-camera", "--name", "x")).Stderr);
            Assert.Equal("rtsp://127.0.0.1:8554/edit-main", (await Camera("streamUri")).GetString());
        }
        finally
        {
            await Run(0, "cameras", "remove", "edit-porch");
        }
    }

    private async Task<JsonElement> Camera(string property) =>
        JsonDocument.Parse((await Run(0, "cameras", "show", "edit-porch", "--json")).Stdout).RootElement.GetProperty(property);

    private async Task<CliResult> Run(int exitCode, params string[] args)
    {
        var result = await fixture.Cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"appliancectl {string.Join(' ', args)}: {result}");
        return result;
    }
}
