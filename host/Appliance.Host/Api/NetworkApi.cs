namespace Appliance.Host.Api;

internal static class NetworkApi
{
    public static void MapNetworkApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/network").WithTags("network");
        group.MapGet("/footprint", (Plugins.PluginManager plugins) => Results.Ok(plugins.List().SelectMany(p => p.Network.Select(n => new { plugin = p.Id, n.Direction, n.Transport, n.Port, n.Zone, n.Fqdn, n.Purpose, n.Required, n.ConfigKey })))).WithName("GetFootprint");
    }
}
