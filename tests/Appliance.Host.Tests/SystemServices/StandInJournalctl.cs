namespace Appliance.Host.Tests.SystemServices;

/// <summary>An executable <c>journalctl</c> in <paramref name="directory"/> that runs a shell script (prints what journalctl -o json prints, or fails).</summary>
public static class StandInJournalctl
{
    public static string Write(string directory, string script)
    {
        var path = Path.Combine(directory, "journalctl");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
