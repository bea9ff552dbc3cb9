namespace Appliance.Isolation.Bridge;

/// <summary>
/// Where a plugin's stream rings live (one folder per plugin under <see cref="Root"/>, e.g. <c>/dev/shm/appliance-isolation</c>)
/// and how they are named; hands out ring ids unique within the host process.
/// </summary>
public sealed class RingDirectory(string root)
{
    private int _next;

    public string Root { get; } = root;

    /// <summary>/dev/shm when it exists (memory, not disk), else the temp folder.</summary>
    public static RingDirectory Default() =>
        new(Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"appliance-isolation-{Environment.ProcessId}"));

    public string FolderOf(string pluginId)
    {
        var folder = Path.Combine(Root, pluginId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public (string Path, uint Id) Next(string pluginId)
    {
        var id = (uint)Interlocked.Increment(ref _next);
        return (Path.Combine(FolderOf(pluginId), $"host-{id}.ring"), id);
    }

    /// <summary>True when <paramref name="path"/> is a ring file directly inside the plugin's folder (no traversal).</summary>
    public bool Owns(string pluginId, string path)
    {
        var full = Path.GetFullPath(path);
        return full.EndsWith(".ring", StringComparison.Ordinal) && Path.GetDirectoryName(full) == Path.GetFullPath(FolderOf(pluginId));
    }
}
