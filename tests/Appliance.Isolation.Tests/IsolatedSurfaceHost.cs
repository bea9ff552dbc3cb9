using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Isolation.Tests;

/// <summary>
/// The real host process with the HostApi 1.1 surface test plugin installed as <c>"isolation": "process"</c>, reached
/// through a real HTTP client; optionally another program as the plugin host (a hostile child).
/// </summary>
internal static class IsolatedSurfaceHost
{
    public const long OneGiB = 1L << 30;

    /// <summary>The plugin-host program the host starts by default.</summary>
    public static string PluginHostDll => Path.Combine(Path.GetDirectoryName(RepoPaths.HostDll)!, "Appliance.PluginHost.dll");

    public static JsonObject Manifest(string id, long sizeBytes = 1024)
    {
        var manifest = SurfacePluginPackage.Manifest(id, "1.0.0", "iso", sizeBytes: sizeBytes);
        manifest["isolation"] = "process";
        return manifest;
    }

    public static async Task<HostProcess> StartAsync(string? pluginHostPath, params JsonObject[] manifests)
    {
        var bundled = Directory.CreateTempSubdirectory("appl-iso-http-").FullName;
        foreach (var m in manifests) SurfacePluginPackage.Folder(bundled, m);
        return await StartBundledAsync(bundled, pluginHostPath);
    }

    /// <summary>The host with the plugin folders under <paramref name="bundled"/> installed on first start.</summary>
    public static async Task<HostProcess> StartBundledAsync(string bundled, string? pluginHostPath = null)
    {
        var isolation = new JsonObject();
        if (pluginHostPath is not null) isolation["pluginHostPath"] = pluginHostPath;
        var host = await HostProcess.StartAsync(bundledPlugins: bundled, appliance: new JsonObject
        {
            ["plugins"] = new JsonObject
            {
                ["startTimeoutSeconds"] = 60,
                ["stopTimeoutSeconds"] = 5,
                ["watchDirectory"] = false,
                ["isolation"] = isolation,
            },
        });
        await host.LoginAsync();
        return host;
    }

    /// <summary>The pid serving the plugin and how many of its downloads saw their token cancelled (waits until it answers).</summary>
    public static async Task<(int Pid, int CancelledDownloads)> ProcessAsync(HostProcess host, string id, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                using var response = await host.Client.GetAsync($"/plugins/{id}/process");
                if (response.IsSuccessStatusCode)
                {
                    var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return (json.GetProperty("pid").GetInt32(), json.GetProperty("cancelledDownloads").GetInt32());
                }
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{id} did not answer within {seconds} s:\n{host.Log}");
            await Task.Delay(100);
        }
    }

    public static long RssKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>
    /// Plugin-host processes running <paramref name="pluginId"/> (found by their command line) that are children of
    /// <paramref name="hostPid"/>: another test run on the machine may run the same plugin.
    /// </summary>
    public static IReadOnlyList<int> PluginHostPids(string pluginId, int hostPid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && CommandLine(pid) is { } args && args.Contains("Appliance.PluginHost.dll") && args.Contains("\0" + pluginId + "\0"))
            .Where(pid => ParentPid(pid) == hostPid)
            .ToList();

    /// <summary>The parent's pid from <c>/proc/PID/stat</c> (the field after the command name's closing parenthesis and state); 0 when gone.</summary>
    private static int ParentPid(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');
}
