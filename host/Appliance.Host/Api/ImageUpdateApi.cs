using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.SystemServices.Updates;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Api;

/// <summary>
/// Image updates under <c>/api/v1/system/image</c> (administrators): where updates stand, and a bundle uploaded as
/// the request body (<c>?force=true</c> allows a downgrade or a reinstall), checked before RAUC installs it.
/// 503 while <c>appliance.imageUpdates.enabled</c> or <c>systemServices.enabled</c> is off.
/// </summary>
internal static class ImageUpdateApi
{
    public static void MapImageUpdateApi(this RouteGroupBuilder api, long maxBundleBytes)
    {
        var group = api.MapGroup("/system/image").WithTags("system").AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<IOptions<ApplianceOptions>>().Value is { SystemServices.Enabled: true, ImageUpdates.Enabled: true }
                ? await next(context)
                : PluginsApi.Problem(503, "image updates are off in this configuration (appliance.imageUpdates.enabled, appliance.systemServices.enabled)"));

        group.MapGet("/", async (ImageUpdateService updates, CancellationToken ct) =>
            {
                var status = await updates.StatusAsync(ct);
                return status.IsOk ? Results.Ok(status.Value) : Problem(status.Failure!);
            })
            .WithName("GetImageUpdate").WithSummary("The running image version, RAUC's slots and state, the last update and an install's progress");

        group.MapPost("/", async (HttpRequest request, bool? force, ImageUpdateService updates, IOptions<ApplianceOptions> options, CancellationToken ct) =>
            {
                var directory = Directory.CreateDirectory(options.Value.DataPath("image-updates")).FullName;
                var bundle = Path.Combine(directory, $"upload-{Guid.NewGuid():N}.raucb");
                await using (var file = new FileStream(bundle, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    await request.Body.CopyToAsync(file, ct);
                if (new FileInfo(bundle).Length == 0)
                {
                    File.Delete(bundle);
                    return PluginsApi.Problem(400, "bundle: the request has no body");
                }
                var begun = await updates.BeginAsync(bundle, force ?? false, ct);
                return begun.IsOk ? Results.Accepted("/api/v1/system/image", begun.Value) : Problem(begun.Failure!);
            })
            .DisableAntiforgery().RequireReauthentication()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(maxBundleBytes))
            .WithName("InstallImageUpdate").WithSummary("Upload a signed RAUC bundle (the body) and install it into the inactive slot");
    }

    /// <summary>Refusals of the bundle 400 (not signed by the update CA, malformed, another model), 409 (downgrade, same version, busy), the bus or RAUC away 503.</summary>
    private static IResult Problem(Failure failure) => PluginsApi.Problem(failure.Code switch
    {
        "invalid" or BusFailures.Invalid => 400,
        "conflict" => 409,
        "unavailable" or BusFailures.Unavailable or BusFailures.Transport => 503,
        "timeout" or BusFailures.Timeout => 504,
        _ => 502,
    }, failure.Message);
}
