using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>Hostile and broken plugin packages are refused with a clear error and change nothing.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Bad_packages_are_refused_with_a_reason_and_nothing_is_installed()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        var good = TestPluginBuilder.ProbeManifest("test.pkg", "1.0.0", null, null);
        var incompatible = TestPluginBuilder.ProbeManifest("test.pkg", "1.0.0", null, null);
        incompatible["hostApi"] = "2.0";

        var cases = new (string Name, byte[] Zip, string Expected)[]
        {
            ("not a zip", Encoding.UTF8.GetBytes("this is not a zip file"), "package: not a zip archive"),
            ("no manifest", Zip(("readme.txt", "hello")), "package: no plugin.json at the root"),
            ("zip slip", Zip(("plugin.json", good.ToJsonString()), ("../../evil.txt", "owned")), "points outside the plugin folder"),
            ("absolute path", Zip(("plugin.json", good.ToJsonString()), ("/etc/evil", "owned")), "points outside the plugin folder"),
            ("bad json", Zip(("plugin.json", "{ not json")), "plugin.json: "),
            ("incompatible host api", Zip(("plugin.json", incompatible.ToJsonString()), ("Appliance.TestPlugins.Probe.dll", "x")), "host API 2.0"),
            ("missing assembly", Zip(("plugin.json", good.ToJsonString())), "entry assembly Appliance.TestPlugins.Probe.dll is not in the package"),
        };
        foreach (var (name, zip, expected) in cases)
        {
            var result = await h.InstallAsync(zip);
            Assert.True(result.Failure is not null, $"{name}: was accepted");
            Assert.Contains(expected, result.Failure.Message);
        }
        Assert.Empty(h.Manager.List());
        Assert.Empty(h.Folders.InstalledFolders());
        Assert.False(File.Exists(Path.Combine(h.DataDirectory, "..", "evil.txt")));
    }

    [Fact]
    public async Task A_plugin_whose_assembly_is_garbage_is_quarantined_not_fatal()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        var manifest = TestPluginBuilder.ProbeManifest("test.garbage", "1.0.0", null, null);
        var result = await h.InstallAsync(Zip(("plugin.json", manifest.ToJsonString()), ("Appliance.TestPlugins.Probe.dll", "MZ not really a PE file")));
        Assert.Equal(Plugins.PluginState.Quarantined, result.Value.State);
        Assert.StartsWith("could not load Appliance.TestPlugins.Probe.dll:", result.Value.Error);
    }

    [Fact]
    public async Task A_configuration_that_breaks_the_schema_is_refused_and_the_plugin_keeps_running()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.cfg", "1.0.0"));
        var refused = await h.Manager.SetConfigAsync("test.cfg", JsonNodeToElement(new JsonObject { ["mode"] = "explode", ["port"] = 70000 }), CancellationToken.None);
        Assert.NotNull(refused.Failure);
        Assert.Contains("config.port", refused.Failure.Message);
        Assert.Contains("config.mode", refused.Failure.Message);
        Assert.Equal(Plugins.PluginState.Running, h.Manager.Get("test.cfg")!.State);
    }

    private static System.Text.Json.JsonElement JsonNodeToElement(JsonNode node) =>
        System.Text.Json.JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
