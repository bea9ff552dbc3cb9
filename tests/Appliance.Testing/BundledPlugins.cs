using System.Text.Json;

namespace Appliance.Testing;

/// <summary>
/// A host's bundled-plugins folder made from the build output of plugin projects (as build.sh stages them in
/// out/plugins). The test project references each plugin project with <c>ReferenceOutputAssembly="false"</c> so it is built.
/// </summary>
public static class BundledPlugins
{
    public const string RtspIngest = "plugins/Rtsp/src/Rtsp.Plugin";
    public const string RtspServer = "plugins/RtspServer/src/RtspServer.Plugin";
    public const string Onvif = "plugins/Onvif/src/Onvif.Plugin";
    public const string Milestone = "plugins/Milestone/src/Milestone.Plugin";
    public const string Email = "plugins/Email/src/Email.Plugin";
    public const string Webhooks = "plugins/Webhooks/src/Webhooks.Plugin";
    public const string Media = "plugins/Media/src/Media.Plugin";
    public const string Sms = "plugins/Sms/src/Sms.Plugin";
    public const string Elasticsearch = "plugins/Elasticsearch/src/Elasticsearch.Plugin";
    public const string Dmp = "plugins/Dmp/src/Dmp.Plugin";
    public const string WebRtc = "plugins/WebRtc/src/WebRtc.Plugin";

    /// <param name="projects">Project folders relative to the repository root, e.g. <see cref="RtspServer"/>.</param>
    public static string Stage(params string[] projects)
    {
        var target = Directory.CreateTempSubdirectory("appl-bundled-plugins-").FullName;
        foreach (var project in projects)
        {
            var bin = Path.Combine(RepoPaths.Root, project, "bin", RepoPaths.Configuration, "net10.0");
            var manifest = Path.Combine(bin, "plugin.json");
            if (!File.Exists(manifest)) throw new InvalidOperationException($"{bin} has no plugin.json: build the test project first");
            var id = JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("id").GetString()!;
            Copy(bin, Path.Combine(target, id));
        }
        return target;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
