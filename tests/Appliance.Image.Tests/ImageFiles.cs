using System.Diagnostics;

namespace Appliance.Image.Tests;

/// <summary>Where image/ is, and running a tool with its output captured.</summary>
internal static class ImageFiles
{
    public static string Root { get; } = FindRoot();

    public static string Image => Path.Combine(Root, "image");

    public static string RootFs => Path.Combine(Image, "rootfs");

    public static string Units => Path.Combine(RootFs, "usr", "lib", "systemd", "system");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) return dir.FullName;
        throw new InvalidOperationException("Appliance.sln not found above " + AppContext.BaseDirectory);
    }

    public static (int Code, string Out, string Err) Run(
        string file, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} did not finish within {timeoutSeconds} s");
        }
        return (p.ExitCode, o.Result, e.Result);
    }
}
