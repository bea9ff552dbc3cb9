using Appliance.Core.Network;
using Appliance.Host.Plugins;
using Microsoft.FSharp.Collections;

namespace Appliance.Host.Api;

internal static class NetworkApi
{
    public static void MapNetworkApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/network").WithTags("network");

        // The network requirements of what is loaded now (host + running plugins), in the format asked for.
        group.MapGet("/requirements", (PluginManager plugins, string? format) =>
        {
            var entries = ListModule.OfSeq(plugins.Footprint());
            var rows = Requirements.build(entries);
            return (format ?? "json").ToLowerInvariant() switch
            {
                "md" or "markdown" => Results.Text(Requirements.toMarkdown(rows), "text/markdown; charset=utf-8"),
                "csv" => Results.Text(Requirements.toCsv(rows), "text/csv; charset=utf-8"),
                "json" => Results.Text(Requirements.toJson(rows), "application/json"),
                "allowlist" => Results.Text(Requirements.allowlistText(entries), "text/plain; charset=utf-8"),
                var other => PluginsApi.Problem(400, $"format: '{other}' is not one of md, json, csv, allowlist"),
            };
        }).WithName("GetNetworkRequirements");
    }
}
