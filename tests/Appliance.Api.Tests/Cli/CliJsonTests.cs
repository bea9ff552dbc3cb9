using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Api.Tests.Support;
using Appliance.Testing;

namespace Appliance.Api.Tests.Cli;

/// <summary>Issue 15 item 9: one product version, JSON error objects under --json, JSON output without needless escapes.</summary>
[Collection(CliCollection.Name)]
public sealed class CliJsonTests(CliHostFixture fixture)
{
    [Fact]
    public async Task Version_TheCliAndTheHostReportTheOneProductVersion()
    {
        var product = Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+", product);

        var cli = await fixture.Cli.ExpectAsync(0, ["--version"]);
        var status = JsonDocument.Parse(await fixture.Host.Client.GetStringAsync("/api/v1/status")).RootElement;
        Assert.Equal(product, cli.Stdout.Trim());
        Assert.Equal(product, status.GetProperty("system").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Errors_UnderJson_AreOneErrorObjectOnStderr_WithCodeMessageAndStatus()
    {
        var notFound = await fixture.Cli.ExpectAsync(1, ["cameras", "show", "no-such-camera", "--json"]);
        Assert.Equal("", notFound.Stdout);
        var error = ErrorOf(notFound);
        Assert.Equal("not-found", error.GetProperty("code").GetString());
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Contains("camera 'no-such-camera' does not exist", error.GetProperty("message").GetString());

        var usage = ErrorOf(await fixture.Cli.ExpectAsync(2, ["--json", "events", "tail", "-n", "0"]));
        Assert.Equal("usage", usage.GetProperty("code").GetString());
        Assert.Equal("--limit: must be between 1 and 1000", usage.GetProperty("message").GetString());
        Assert.False(usage.TryGetProperty("status", out _));

        var port = FreePort.Tcp();
        var unreachable = ErrorOf(await fixture.Cli.ExpectAsync(1, ["--json", "--url", $"https://127.0.0.1:{port}", "--token", "apl_x", "status"]));
        Assert.Equal("unreachable", unreachable.GetProperty("code").GetString());
        Assert.Contains($"cannot reach the appliance at https://127.0.0.1:{port}/", unreachable.GetProperty("message").GetString());

        var unauthorized = ErrorOf(await fixture.Cli.ExpectAsync(1, ["--json", "--token", "apl_made-up", "status"]));
        Assert.Equal("unauthorized", unauthorized.GetProperty("code").GetString());
        Assert.Equal(401, unauthorized.GetProperty("status").GetInt32());

        // Without --json the same failure is one line of text.
        var text = await fixture.Cli.ExpectAsync(1, ["cameras", "show", "no-such-camera"]);
        Assert.StartsWith("appliancectl: GET /api/v1/cameras/no-such-camera: 404 ", text.Stderr);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text.Stderr));
    }

    [Fact]
    public async Task JsonOutput_KeepsPlusAnglesAndQuotesAsTheyAre()
    {
        const string name = "Gate+Yard <north> 'A' & café";
        var added = await fixture.Cli.ExpectAsync(0, ["cameras", "add", "--stream-uri", "rtsp://127.0.0.1:8554/plus", "--name", name, "--json"]);
        var id = JsonDocument.Parse(added.Stdout).RootElement.GetProperty("id").GetString()!;
        try
        {
            foreach (var args in new[] { new[] { "cameras", "show", id, "--json" }, ["cameras", "list", "--json"] })
            {
                var shown = await fixture.Cli.ExpectAsync(0, args);
                Assert.Contains($"\"{name}\"", shown.Stdout);
                Assert.DoesNotContain("\\u", shown.Stdout);
            }
            using (var published = await fixture.Host.Client.PostAsJsonAsync("/api/v1/events", new { type = "CliPlusRaised", category = "alarm", data = new { s = "a+b<c>" } }))
                published.EnsureSuccessStatusCode();
            var events = await fixture.Cli.ExpectAsync(0, ["events", "tail", "--type", "CliPlusRaised", "--json"]);
            Assert.Contains("\"s\":\"a+b<c>\"", events.Stdout);
        }
        finally
        {
            await fixture.Cli.ExpectAsync(0, ["cameras", "remove", id]);
        }
    }

    private static JsonElement ErrorOf(CliResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        var root = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        return root.GetProperty("error");
    }
}
