using System.IO.Compression;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Portal.Tests.Support;

/// <summary>
/// Packages the build output of <c>TestPlugin/</c> (plugin.json + assembly) as a plugin zip, optionally with
/// another version in its manifest (a new version of the same plugin, for hot swap).
/// </summary>
public static class TestPluginPackage
{
    public const string Id = "test.portal-demo";
    public const string Name = "Portal test plugin";
    public const string Assembly = "Appliance.Tests.PortalTestPlugin.dll";

    public static string BuildOutput =>
        Path.Combine(RepoPaths.Root, "tests", "Appliance.Portal.Tests", "TestPlugin", "bin", RepoPaths.Configuration, "net10.0");

    /// <summary>Writes the zip into <paramref name="directory"/> and returns its path; <paramref name="editManifest"/> may change plugin.json first.</summary>
    public static string Create(string directory, string version = "1.0.0", Action<JsonObject>? editManifest = null)
    {
        var output = BuildOutput;
        if (!File.Exists(Path.Combine(output, Assembly)))
            throw new FileNotFoundException($"the test plugin is not built ({output}); build the test project first", Path.Combine(output, Assembly));
        Directory.CreateDirectory(directory);
        var zip = Path.Combine(directory, $"{Id}-{version}.zip");
        File.Delete(zip);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plugin.json")))!.AsObject();
        manifest["version"] = version;
        editManifest?.Invoke(manifest);
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        archive.CreateEntryFromFile(Path.Combine(output, Assembly), Assembly);
        var deps = Path.ChangeExtension(Path.Combine(output, Assembly), ".deps.json");
        if (File.Exists(deps)) archive.CreateEntryFromFile(deps, Path.GetFileName(deps));
        using (var writer = new StreamWriter(archive.CreateEntry("plugin.json").Open()))
            writer.Write(manifest.ToJsonString());
        return zip;
    }
}
