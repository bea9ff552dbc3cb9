using System.Security.Cryptography;
using System.Text;

namespace Appliance.Host.Plugins;

/// <summary>
/// Where plugins live on disk. <c>plugins/{id}/</c> is the installed copy (replaceable on disk: that is a
/// hot swap); each loaded version runs from its own shadow copy under <c>runtime/</c>, so the installed
/// folder can change while the old version still runs.
/// </summary>
public sealed class PluginFolders
{
    public PluginFolders(string dataDirectory)
    {
        Installed = Path.Combine(dataDirectory, "plugins");
        Runtime = Path.Combine(dataDirectory, "runtime");
        Data = Path.Combine(dataDirectory, "plugin-data");
        Directory.CreateDirectory(Installed);
        Directory.CreateDirectory(Runtime);
        Directory.CreateDirectory(Data);
    }

    public string Installed { get; }

    public string Runtime { get; }

    public string Data { get; }

    public string InstalledFolder(string id) => Path.Combine(Installed, id);

    public string DataFolder(string id)
    {
        var path = Path.Combine(Data, id);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Installed plugin folders (hidden staging folders skipped).</summary>
    public IEnumerable<string> InstalledFolders() =>
        Directory.EnumerateDirectories(Installed)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => File.Exists(Path.Combine(d, "plugin.json")))
            .OrderBy(d => d, StringComparer.Ordinal);

    /// <summary>Where the folder of the version that ran before a swap is kept, to roll back to: <c>previous/{id}</c>.</summary>
    public string PreviousFolder(string id) => Path.Combine(Path.GetDirectoryName(Installed)!, "previous", id);

    /// <summary>Keeps a copy of <paramref name="source"/> (the running version's shadow copy) as the previous version of <paramref name="id"/>.</summary>
    public string KeepPrevious(string id, string source)
    {
        var target = PreviousFolder(id);
        TryDelete(target);
        CopyDirectory(source, target);
        return target;
    }

    public string NewStagingFolder() => Path.Combine(Installed, ".staging-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Copies an installed folder to a fresh runtime folder and returns it.</summary>
    public string ShadowCopy(string id, string version, string source)
    {
        var target = Path.Combine(Runtime, $"{id}-{version}-{Guid.NewGuid().ToString("N")[..8]}");
        CopyDirectory(source, target);
        return target;
    }

    /// <summary>Moves a staged folder into place as <c>plugins/{id}</c>, replacing what was there.</summary>
    public void Promote(string staging, string id)
    {
        var destination = InstalledFolder(id);
        string? old = null;
        if (Directory.Exists(destination))
        {
            old = Path.Combine(Installed, $".old-{id}-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.Move(destination, old);
        }
        Directory.Move(staging, destination);
        if (old is not null) TryDelete(old);
    }

    public void RemoveInstalled(string id)
    {
        var folder = InstalledFolder(id);
        if (!Directory.Exists(folder)) return;
        var doomed = Path.Combine(Installed, $".removed-{id}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.Move(folder, doomed);
        TryDelete(doomed);
    }

    /// <summary>A fingerprint of a folder's files (names, sizes, contents of plugin.json and assemblies).</summary>
    public static string Fingerprint(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    /// <summary>Deletes runtime folders no loaded plugin uses (left by earlier runs).</summary>
    public void CleanRuntime(IReadOnlySet<string> inUse)
    {
        foreach (var dir in Directory.EnumerateDirectories(Runtime))
            if (!inUse.Contains(dir)) TryDelete(dir);
        foreach (var dir in Directory.EnumerateDirectories(Installed).Where(d => Path.GetFileName(d).StartsWith('.')))
            TryDelete(dir);
    }

    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
    }

    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
