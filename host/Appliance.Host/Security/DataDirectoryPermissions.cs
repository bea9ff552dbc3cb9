using System.Runtime.InteropServices;

namespace Appliance.Host.Security;

/// <summary>
/// Everything under the data directory is the appliance's alone: files 0600, directories 0700. The process
/// umask is set to 077 before anything is created, and at start every entry is checked; one found looser is
/// tightened and named in the log (and in the returned list, which the health report shows).
/// </summary>
public static class DataDirectoryPermissions
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);

    /// <summary>New files and directories get no group or other permissions.</summary>
    public static void RestrictUmask()
    {
        if (OperatingSystem.IsLinux()) Umask(0b000_111_111);
    }

    /// <summary>Tightens every entry under <paramref name="root"/> that grants group or other access; returns the paths fixed.</summary>
    public static IReadOnlyList<string> Enforce(string root)
    {
        var fixedPaths = new List<string>();
        if (!OperatingSystem.IsLinux() || !Directory.Exists(root)) return fixedPaths;
        Check(new DirectoryInfo(root), DirectoryMode, fixedPaths);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            if (entry.LinkTarget is not null) continue;
            Check(entry, entry is DirectoryInfo ? DirectoryMode : FileMode, fixedPaths);
        }
        return fixedPaths;
    }

    private static void Check(FileSystemInfo entry, UnixFileMode wanted, List<string> fixedPaths)
    {
        const UnixFileMode groupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                          | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((entry.UnixFileMode & groupOrOther) == 0) return;
        // Keep the owner's execute bit on files that have it (plugin native libraries); drop everything else.
        var mode = entry is DirectoryInfo ? wanted : wanted | (entry.UnixFileMode & UnixFileMode.UserExecute);
        File.SetUnixFileMode(entry.FullName, mode);
        fixedPaths.Add(entry.FullName);
    }
}
