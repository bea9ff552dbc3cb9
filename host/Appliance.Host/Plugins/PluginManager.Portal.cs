using Appliance.Host.Auth;

namespace Appliance.Host.Plugins;

/// <summary>
/// A plugin's portal page (manifest <c>portal</c>) as the portal shows it: the navigation title, the plugin route that
/// renders it (relative to <c>/plugins/{id}/</c>), the least role that may see it (the route's declared access) and
/// whether the plugin runs now.
/// </summary>
public sealed record PluginPortalPage(string PluginId, string Title, string Route, string Role, bool Running);

public sealed partial class PluginManager
{
    /// <summary>The portal pages of installed plugins with a valid manifest, running or not, ordered by title then id.</summary>
    public IReadOnlyList<PluginPortalPage> PortalPages()
    {
        return _slots.All().Select(PortalPageOf).OfType<PluginPortalPage>()
            .OrderBy(p => p.Title, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.PluginId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The portal page of <paramref name="id"/>, or null when no installed plugin declares one.</summary>
    public PluginPortalPage? PortalPage(string id)
    {
        return _slots.Find(id) is { } slot ? PortalPageOf(slot) : null;
    }

    private static PluginPortalPage? PortalPageOf(PluginSlot slot)
    {
        if (slot.Manifest?.Surface.Portal?.Value is not { } portal) return null;
        var declaration = slot.Manifest.Surface.Routes.FirstOrDefault(r => r.Path == portal.Route);
        var role = declaration is null ? Roles.Admin
            : declaration.Access.IsViewerAccess ? Roles.Viewer
            : declaration.Access.IsOperatorAccess ? Roles.Operator
            : Roles.Admin;
        return new PluginPortalPage(slot.Id, portal.Title, portal.Route, role, slot.State == PluginState.Running);
    }
}
