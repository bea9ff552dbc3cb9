using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.PluginRepository;

namespace Appliance.Host.Api;

/// <summary>
/// <c>/api/v1/plugins/catalog</c>: the signed repository's channel (GET), install progress (GET <c>progress</c>), and
/// install or update of one plugin from it (POST <c>{id}/install</c>, <c>{id}/update</c>, with <c>?version=</c> and
/// <c>?force=true</c> for a downgrade or reinstall). Admin only (<c>AccessPolicy</c>).
/// </summary>
internal static class PluginCatalogApi
{
    public static void MapPluginCatalogApi(this RouteGroupBuilder plugins)
    {
        var catalog = plugins.MapGroup("/catalog");
        catalog.MapGet("/", async (PluginCatalogService service, CancellationToken ct) =>
            ToResult(await service.GetAsync(ct))).WithName("GetPluginCatalog").WithSummary("The signed plugin repository's channel and what installing each package would do");
        catalog.MapGet("/progress", (PluginCatalogService service) => Results.Ok(service.Progress()))
            .WithName("GetPluginCatalogProgress").WithSummary("Progress of installs from the catalog (download bytes, stage)");
        catalog.MapPost("/{id}/install", async (string id, string? version, bool? force, PluginCatalogService service, CancellationToken ct) =>
            ToResult(await service.InstallAsync(id, version, force ?? false, update: false, ct)))
            .RequireReauthentication().WithName("InstallCatalogPlugin").WithSummary("Install a plugin from the signed catalog");
        catalog.MapPost("/{id}/update", async (string id, string? version, bool? force, PluginCatalogService service, CancellationToken ct) =>
            ToResult(await service.InstallAsync(id, version, force ?? false, update: true, ct)))
            .RequireReauthentication().WithName("UpdateCatalogPlugin").WithSummary("Update (or with force downgrade) a plugin from the signed catalog");
    }

    private static IResult ToResult<T>(Result<T> result) =>
        result.IsOk ? Results.Ok(result.Value) : Problem(result.Failure!);

    /// <summary>What the caller asked for cannot be (409), the repository failed or answered something unacceptable (502, 504), no room (507).</summary>
    internal static IResult Problem(Failure failure)
    {
        var status = failure.Code switch
        {
            "not-found" => 404,
            "not-configured" or "installed" or "not-installed" or "downgrade" or "up-to-date" or "hardware" or "host-api" => 409,
            "timeout" => 504,
            "disk-full" => 507,
            "malformed" when failure.Message.StartsWith("version:", StringComparison.Ordinal) => 400,
            "refused" or "rolled-back" or "failed" => 422,
            _ => 502,
        };
        return Results.Problem(detail: failure.Message, statusCode: status, title: failure.Code,
            extensions: new Dictionary<string, object?> { ["code"] = failure.Code });
    }
}
