using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Host.Configuration;

namespace Appliance.Host.Plugins;

/// <summary>A package unpacked and checked in its staging folder, ready to be promoted to the installed folder.</summary>
internal sealed record StagedPackage(string Staging, string Folder, PluginManifest Manifest);

/// <summary>
/// Installation: puts plugin folders into the installed tree, from an uploaded package (unpacked into a staging
/// folder and checked before anything installed is touched) or from the bundled plugins of the image. Starts
/// nothing; <see cref="PluginActivator"/> does that.
/// </summary>
internal sealed class PluginInstaller(ApplianceOptions options, PluginFolders folders, PluginStateStore store, ILogger log)
{
    /// <summary>
    /// Unpacks <paramref name="package"/> into a new staging folder and checks its manifest, host API and entry
    /// assembly. On a refusal the staging folder is already gone.
    /// </summary>
    public async Task<Result<StagedPackage>> StageAsync(Stream package, CancellationToken ct)
    {
        var staging = folders.NewStagingFolder();
        Result<string> extracted;
        try
        {
            extracted = PluginPackage.Extract(package, staging);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException)
        {
            extracted = Result<string>.Fail("refused", $"package: cannot be read ({ex.Message})");
        }
        if (!extracted.IsOk)
        {
            PluginFolders.TryDelete(staging);
            return extracted.Failure!;
        }
        var folder = extracted.Value;
        var parsed = ManifestAdapter.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "plugin.json"), ct));
        var refusal = !parsed.TryGetValue(out var manifest, out var invalid)
            ? "plugin.json: " + string.Join("; ", invalid.Errors)
            : ManifestAdapter.CheckHostApi(manifest) is { } api ? api
            : !File.Exists(Path.Combine(folder, manifest.EntryAssembly)) ? $"package: entry assembly {manifest.EntryAssembly} is not in the package"
            : null;
        if (refusal is not null)
        {
            PluginFolders.TryDelete(staging);
            return new Failure("refused", refusal);
        }
        return new StagedPackage(staging, folder, manifest);
    }

    /// <summary>Makes a staged package the installed version of its plugin and records it (enabled unless the user disabled it).</summary>
    public string Promote(StagedPackage staged)
    {
        var id = staged.Manifest.Id;
        folders.Promote(staged.Staging, id);
        var record = store.Get(id);
        store.Save(new PluginRecord(id, record?.Enabled ?? true, false, ManifestAdapter.Version(staged.Manifest), record?.Config));
        return folders.InstalledFolder(id);
    }

    /// <summary>
    /// Installs the image's bundled plugins that are not installed yet (or newer, or changed when
    /// <c>RefreshBundled</c>); a plugin the user removed stays removed.
    /// </summary>
    public void SeedBundled()
    {
        var bundled = options.BundledPluginsDirectory;
        if (string.IsNullOrEmpty(bundled) || !Directory.Exists(bundled)) return;
        foreach (var source in Directory.EnumerateDirectories(bundled).Where(d => File.Exists(Path.Combine(d, "plugin.json"))))
        {
            if (!ManifestAdapter.Parse(File.ReadAllText(Path.Combine(source, "plugin.json"))).TryGetValue(out var manifest, out var invalid))
            {
                log.LogError("Bundled plugin in {Folder} has an invalid manifest: {Errors}", source, string.Join("; ", invalid.Errors));
                continue;
            }
            var id = manifest.Id;
            if (store.Get(id) is { Removed: true }) continue;
            var installed = folders.InstalledFolder(id);
            if (Directory.Exists(installed))
            {
                var current = ManifestAdapter.ParseOrNull(File.ReadAllText(Path.Combine(installed, "plugin.json")));
                var newer = current is null || ManifestAdapter.CompareVersions(manifest, current) > 0;
                var refresh = options.Plugins.RefreshBundled && PluginFolders.Fingerprint(source) != PluginFolders.Fingerprint(installed);
                if (!newer && !refresh) continue;
            }
            var staging = folders.NewStagingFolder();
            PluginFolders.CopyDirectory(source, staging);
            folders.Promote(staging, id);
            log.LogInformation("Installed bundled plugin {Plugin} {Version}", id, ManifestAdapter.Version(manifest));
        }
    }
}
