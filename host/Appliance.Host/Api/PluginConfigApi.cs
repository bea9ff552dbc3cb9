using System.Text.Json;
using Appliance.Host.Plugins;

namespace Appliance.Host.Api;

/// <summary>
/// A plugin's configuration read back (<c>GET /api/v1/plugins/{id}/config</c>: defaults filled in, secrets null and
/// listed in <c>secretsSet</c>) and one setting changed (<c>PUT /api/v1/plugins/{id}/config/{key}</c> with
/// <c>{"value": ...}</c>: merged into the stored section, validated as a whole, the plugin restarted). Admin only,
/// like the rest of the plugin API (<see cref="Auth.AccessPolicy"/>).
/// </summary>
internal static class PluginConfigApi
{
    public static void MapPluginConfigApi(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/config", (string id, PluginManager manager) =>
            manager.ConfigView(id).TryGetValue(out var view, out var refused)
                ? Results.Ok(view)
                : PluginsApi.Problem(refused.Code == PluginRefusal.NotFound ? 404 : 400, refused.Message))
            .WithName("GetPluginConfig").WithSummary("A plugin's configuration in force (secrets masked)");

        group.MapPut("/{id}/config/{key}", async (string id, string key, JsonElement body, PluginManager manager, CancellationToken ct) =>
            body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("value", out var value)
                ? PluginsApi.Problem(400, "body: must be a JSON object {\"value\": ...}")
                : PluginsApi.ToResult(await manager.SetConfigValueAsync(id, key, value, ct)))
            .WithName("SetPluginConfigValue").WithSummary("Change one setting of a plugin's configuration (validated against its schema)");
    }
}
