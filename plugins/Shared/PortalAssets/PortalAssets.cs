namespace Appliance.Plugins.Shared;

/// <summary>
/// A plugin's portal page and its script, embedded in the plugin's assembly (<c>Portal/**</c> as EmbeddedResource): the
/// portal's CSP allows only scripts the plugin serves. Shared source (plugins/Shared/PortalAssets), compiled internal
/// into the plugins that serve a page (Recording, WebRTC), so each reads its own assembly.
/// </summary>
internal static class PortalAssets
{
    /// <summary>The text of the embedded file whose name ends with <paramref name="name"/> (e.g. <c>page.js</c>).</summary>
    public static string Read(string name)
    {
        var assembly = typeof(PortalAssets).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
