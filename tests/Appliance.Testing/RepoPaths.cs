namespace Appliance.Testing;

/// <summary>Where things are in the checkout, found from the test's own location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string HostDll => Path.Combine(Root, "host", "Appliance.Host", "bin", Configuration, "net10.0", "Appliance.Host.dll");

    /// <summary>Artifacts tests keep (screenshots, logs): <c>out/test-artifacts/</c>.</summary>
    public static string Artifacts(string name)
    {
        var dir = Path.Combine(Root, "out", "test-artifacts", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Appliance.sln not found above " + AppContext.BaseDirectory);
    }
}
