using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Appliance.Testing;

/// <summary>
/// Builds the real probe plugin (tests/TestPlugins/ProbePlugin) with a given version, writes the
/// manifest the test wants next to it, and packs it as a zip like any plugin package.
/// </summary>
public static class TestPluginBuilder
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    public static string ProbeProject => Path.Combine(RepoPaths.Root, "tests", "TestPlugins", "ProbePlugin", "ProbePlugin.csproj");

    /// <summary>Builds the probe as <paramref name="version"/> into a fresh folder (cached per version in this test run).</summary>
    public static async Task<string> BuildProbeAsync(string version)
    {
        var output = Path.Combine(Path.GetTempPath(), "appl-probe-build", $"{Environment.ProcessId}-{version}");
        await BuildLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(output, "Appliance.TestPlugins.Probe.dll"))) return output;
            // Build a private copy of the project, so versions never share obj/ with each other or the solution build.
            var source = Path.Combine(Path.GetTempPath(), "appl-probe-src", $"{Environment.ProcessId}-{version}");
            Directory.CreateDirectory(source);
            var projectDir = Path.GetDirectoryName(ProbeProject)!;
            foreach (var file in Directory.EnumerateFiles(projectDir, "*.cs"))
                File.Copy(file, Path.Combine(source, Path.GetFileName(file)), overwrite: true);
            var abstractions = Path.Combine(RepoPaths.Root, "host", "Appliance.Abstractions", "Appliance.Abstractions.csproj");
            var project = File.ReadAllText(ProbeProject).Replace("../../../host/Appliance.Abstractions/Appliance.Abstractions.csproj", abstractions);
            File.WriteAllText(Path.Combine(source, "ProbePlugin.csproj"), project);
            File.Copy(Path.Combine(RepoPaths.Root, "Directory.Build.props"), Path.Combine(source, "Directory.Build.props"), overwrite: true);
            File.Copy(Path.Combine(RepoPaths.Root, "Directory.Packages.props"), Path.Combine(source, "Directory.Packages.props"), overwrite: true);
            var info = new ProcessStartInfo("dotnet",
            [
                "build", Path.Combine(source, "ProbePlugin.csproj"), "-nologo", "-v", "quiet", "-c", "Debug", "-o", output,
                $"-p:InformationalVersion={version}", $"-p:Version={version}", "-p:BuildProjectReferences=false",
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"building the probe plugin failed:\n{await stdout}\n{await stderr}");
            // -o puts referenced projects' output here too; the host shares the contract, so it must not travel with the plugin.
            foreach (var file in Directory.EnumerateFiles(output, "Appliance.Abstractions.*"))
                File.Delete(file);
            return output;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>A plugin folder: the probe build plus a manifest with this id, version and config defaults.</summary>
    public static async Task<string> ProbeFolderAsync(string id, string version, JsonObject? configDefaults = null, JsonArray? network = null, string? into = null)
    {
        var build = await BuildProbeAsync(version);
        var folder = into ?? Path.Combine(Directory.CreateTempSubdirectory("appl-probe-").FullName, id);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(build))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(folder, "plugin.json"), ProbeManifest(id, version, configDefaults, network).ToJsonString());
        return folder;
    }

    public static async Task<byte[]> ProbeZipAsync(string id, string version, JsonObject? configDefaults = null, JsonArray? network = null)
    {
        var folder = await ProbeFolderAsync(id, version, configDefaults, network);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
                zip.CreateEntryFromFile(file, Path.GetFileName(file));
        }
        return buffer.ToArray();
    }

    public static JsonObject ProbeManifest(string id, string version, JsonObject? configDefaults, JsonArray? network)
    {
        var config = new JsonObject
        {
            ["mode"] = new JsonObject { ["type"] = "string", ["default"] = "ok", ["enum"] = new JsonArray("ok", "throw", "hang", "crash", "unhealthy", "listen", "rogue"), ["description"] = "what the probe does at start" },
            ["record"] = new JsonObject { ["type"] = "string", ["default"] = "", ["description"] = "event types to record, comma-separated" },
            ["port"] = new JsonObject { ["type"] = "integer", ["default"] = 47000, ["minimum"] = 1024, ["maximum"] = 65535, ["description"] = "port to listen on in mode listen" },
        };
        foreach (var (key, value) in configDefaults ?? [])
            ((JsonObject)config[key]!)["default"] = value?.DeepClone();
        return new JsonObject
        {
            ["id"] = id,
            ["version"] = version,
            ["kind"] = "integration",
            ["name"] = "Probe " + id,
            ["description"] = "test plugin",
            ["entryAssembly"] = "Appliance.TestPlugins.Probe.dll",
            ["hostApi"] = "1.0",
            ["config"] = config,
            ["network"] = network ?? new JsonArray(),
            ["capabilities"] = new JsonArray(),
        };
    }
}
