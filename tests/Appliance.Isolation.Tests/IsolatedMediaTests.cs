using System.Net;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;
using static Appliance.Isolation.Tests.IsolatedSurfaceHost;
using Appliance.Testing;

namespace Appliance.Isolation.Tests;

/// <summary>
/// The real media plugin as shipped (its manifest names no isolation, so <c>"kind": "media"</c> makes it a child
/// process) in the real host process: it starts in a plugin host and serves its HostApi 1.1 routes through the bridge.
/// </summary>
public sealed class IsolatedMediaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_media_plugin_runs_isolated_by_default_and_serves_its_routes_through_the_bridge()
    {
        var build = IsolationHarness.BuildOutput("plugins", "Media", "src", "Media.Plugin");
        var bundled = Directory.CreateTempSubdirectory("appl-iso-media-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(bundled, "appliance.media")).FullName;
        foreach (var file in Directory.EnumerateFiles(build).Where(f => !Path.GetFileName(f).StartsWith("Appliance.Abstractions.", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        Assert.DoesNotContain("\"isolation\"", await File.ReadAllTextAsync(Path.Combine(folder, "plugin.json")));
        await using var host = await StartBundledAsync(bundled);

        var (_, codecs) = await Eventually.UntilAsync(async () =>
        {
            using var response = await host.Client.GetAsync("/plugins/appliance.media/codecs");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        output.WriteLine(codecs);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(codecs).RootElement.ValueKind);
        var children = PluginHostPids("appliance.media", host.Pid);
        Assert.Single(children);
        Assert.NotEqual(host.Pid, children[0]);

        using var status = await host.Client.GetAsync("/plugins/appliance.media/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("application/json", status.Content.Headers.ContentType!.MediaType);
        using var page = await host.Client.GetAsync("/plugins/appliance.media/page");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType!.ToString());
        using var unknown = await host.Client.GetAsync("/plugins/appliance.media/cameras/nope/snapshot");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
