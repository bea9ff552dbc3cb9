using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Plugins;

namespace Appliance.Host.Api;

internal static class PluginsApi
{
    public static void MapPluginsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/plugins").WithTags("plugins");
        // The plugin upload's body limit; the rest of the API keeps Kestrel's 1 MiB default.
        var maxPackageBytes = ((IEndpointRouteBuilder)api).ServiceProvider
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions>>().Value.Plugins.MaxPackageBytes;
        group.MapGet("/", (PluginManager manager) => Results.Ok(manager.List())).WithName("ListPlugins").WithSummary("Installed plugins with state, version and health");
        group.MapGet("/{id}", (string id, PluginManager manager) =>
            manager.Get(id) is { } status ? Results.Ok(status) : Problem(404, $"plugin '{id}' is not installed")).WithName("GetPlugin").WithSummary("One installed plugin");

        // Upload: the zip as the request body (application/zip) or as a multipart form field "package".
        group.MapPost("/", async (HttpRequest request, PluginManager manager, CancellationToken ct) =>
        {
            Stream package;
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                var file = form.Files.GetFile("package") ?? form.Files.FirstOrDefault();
                if (file is null) return Problem(400, "package: no file in the form (field 'package')");
                package = file.OpenReadStream();
            }
            else
            {
                var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                buffer.Position = 0;
                package = buffer;
            }
            await using (package)
            {
                if (package.Length == 0) return Problem(400, "package: the request has no body");
                var seekable = package;
                if (!package.CanSeek)
                {
                    var copy = new MemoryStream();
                    await package.CopyToAsync(copy, ct);
                    copy.Position = 0;
                    seekable = copy;
                }
                return ToResult(await manager.InstallPackageAsync(seekable, ct));
            }
        }).DisableAntiforgery().RequireReauthentication()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(maxPackageBytes)).WithName("InstallPlugin").WithSummary("Install or update a plugin from a package (zip)");

        group.MapDelete("/{id}", async (string id, PluginManager manager, CancellationToken ct) => ToResult(await manager.UninstallAsync(id, ct))).WithName("UninstallPlugin").WithSummary("Stop and remove a plugin");
        group.MapPost("/{id}/enable", async (string id, PluginManager manager, CancellationToken ct) => ToResult(await manager.EnableAsync(id, ct))).WithName("EnablePlugin").WithSummary("Enable and start a plugin");
        group.MapPost("/{id}/disable", async (string id, PluginManager manager, CancellationToken ct) => ToResult(await manager.DisableAsync(id, ct))).WithName("DisablePlugin").WithSummary("Stop a plugin and keep it disabled");
        group.MapPost("/{id}/restart", async (string id, PluginManager manager, CancellationToken ct) => ToResult(await manager.RestartAsync(id, ct))).WithName("RestartPlugin").WithSummary("Restart a plugin");
        group.MapPut("/{id}/config", async (string id, JsonElement config, PluginManager manager, CancellationToken ct) =>
            config.ValueKind != JsonValueKind.Object
                ? Problem(400, "config: must be a JSON object")
                : ToResult(await manager.SetConfigAsync(id, config, ct))).WithName("SetPluginConfig").WithSummary("Replace a plugin's configuration (validated against its schema)");
        group.MapPluginConfigApi();
        group.MapPluginCatalogApi();
    }

    internal static IResult ToResult(Result<PluginStatus> result) =>
        result.TryGetValue(out var status, out var refused) ? Results.Ok(status)
        : Problem(refused.Code == PluginRefusal.NotFound ? 404 : 400, refused.Message);

    internal static IResult Problem(int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: status == 404 ? "Not found" : "Refused");
}
