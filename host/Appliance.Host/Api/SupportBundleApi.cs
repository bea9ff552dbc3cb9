using Appliance.Host.Support;

namespace Appliance.Host.Api;

/// <summary><c>GET /api/v1/system/support-bundle</c>: the support bundle as a download (admin, <see cref="Auth.AccessPolicy"/>).</summary>
internal static class SupportBundleApi
{
    public static void MapSupportBundleApi(this RouteGroupBuilder api)
    {
        api.MapGet("/system/support-bundle", async (SupportBundleBuilder builder, CancellationToken ct) =>
        {
            var bundle = await builder.BuildAsync(ct);
            return Results.File(bundle.Content, "application/gzip", bundle.FileName);
        })
            .WithName("GetSupportBundle")
            .WithSummary("A support bundle: versions, health, configuration without secrets, network requirements, recent events and logs (.tar.gz)")
            .WithTags("system")
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip");
    }
}
