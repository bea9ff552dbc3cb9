using System.IO.Compression;
using System.Text.Json.Nodes;
namespace Appliance.Testing;

/// <summary>
/// The HostApi 1.1 test plugin (tests/TestPlugins/SurfacePlugin, built through a project reference) as plugin folders and
/// zips with the manifest a test wants: versions differ by manifest (version, label, mode), not by build.
/// </summary>
public static class SurfacePluginPackage
{
    public const string Assembly = "Appliance.TestPlugins.Surface.dll";

    public static string BuildOutput =>
        Path.Combine(RepoPaths.Root, "tests", "TestPlugins", "SurfacePlugin", "bin", RepoPaths.Configuration, "net10.0");

    /// <summary>
    /// The manifest: config label/mode/sizeBytes/servers/page, routes with access, a named event type, optional network
    /// entries and an optional <c>portal</c> entry.
    /// </summary>
    public static JsonObject Manifest(string id, string version, string label, string mode = "ok", long sizeBytes = 1024, JsonArray? network = null, JsonArray? extraRoutes = null, JsonObject? portal = null, string page = "ok")
    {
        var routes = new JsonArray(
            new JsonObject { ["path"] = "hello", ["methods"] = new JsonArray("GET"), ["access"] = "viewer" },
            new JsonObject { ["path"] = "files/big", ["methods"] = new JsonArray("GET"), ["access"] = "viewer" },
            new JsonObject { ["path"] = "upload", ["methods"] = new JsonArray("POST"), ["access"] = "operator", ["maxRequestBytes"] = 64L * 1024 * 1024 },
            new JsonObject { ["path"] = "services", ["methods"] = new JsonArray("GET"), ["access"] = "admin" });
        foreach (var r in extraRoutes ?? []) routes.Add(r!.DeepClone());
        var manifest = new JsonObject
        {
            ["id"] = id,
            ["version"] = version,
            ["kind"] = "integration",
            ["name"] = "Surface " + id,
            ["entryAssembly"] = Assembly,
            ["hostApi"] = "1.1",
            ["config"] = new JsonObject
            {
                ["label"] = new JsonObject { ["type"] = "string", ["default"] = label, ["description"] = "answered by GET hello" },
                ["mode"] = new JsonObject { ["type"] = "string", ["default"] = mode, ["enum"] = new JsonArray("ok", "throw", "crash"), ["description"] = "behaviour at start" },
                ["sizeBytes"] = new JsonObject { ["type"] = "integer", ["default"] = sizeBytes, ["minimum"] = 0, ["maximum"] = 1L << 40, ["description"] = "size of files/big" },
                ["servers"] = new JsonObject { ["type"] = "array", ["default"] = new JsonArray(), ["description"] = "VMS servers {host, port, transport}" },
                ["page"] = new JsonObject { ["type"] = "string", ["default"] = page, ["enum"] = new JsonArray("ok", "hostile", "big", "hang", "stuck", "json"), ["description"] = "what GET page answers" },
            },
            ["network"] = network ?? new JsonArray(),
            ["routes"] = routes,
            ["events"] = new JsonArray(new JsonObject
            {
                ["type"] = "SurfacePinged",
                ["category"] = "system",
                ["description"] = "the services route was called",
                ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["label"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("label") },
            }),
            ["capabilities"] = new JsonArray(),
        };
        if (portal is not null) manifest["portal"] = portal.DeepClone();
        return manifest;
    }

    /// <summary>A plugin folder (build output + manifest) under <paramref name="parent"/>/<c>id</c>.</summary>
    public static string Folder(string parent, JsonObject manifest)
    {
        if (!File.Exists(Path.Combine(BuildOutput, Assembly)))
            throw new FileNotFoundException("build tests/TestPlugins/SurfacePlugin first", Path.Combine(BuildOutput, Assembly));
        var folder = Path.Combine(parent, (string)manifest["id"]!);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(BuildOutput).Where(f => !Path.GetFileName(f).StartsWith("Appliance.Abstractions.", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        File.WriteAllText(Path.Combine(folder, "plugin.json"), manifest.ToJsonString());
        return folder;
    }

    public static byte[] Zip(JsonObject manifest, Func<string, byte[]?>? replace = null)
    {
        var folder = Folder(Directory.CreateTempSubdirectory("appl-surface-").FullName, manifest);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var entry = zip.CreateEntry(Path.GetFileName(file));
                using var output = entry.Open();
                output.Write(replace?.Invoke(Path.GetFileName(file)) ?? File.ReadAllBytes(file));
            }
        }
        return buffer.ToArray();
    }
}
