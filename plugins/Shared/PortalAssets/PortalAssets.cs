namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>The live view page and script, embedded in the assembly (the portal's CSP allows only scripts the plugin serves).</summary>
internal static class PortalAssets
{
    public static string Read(string name)
    {
        var assembly = typeof(PortalAssets).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
