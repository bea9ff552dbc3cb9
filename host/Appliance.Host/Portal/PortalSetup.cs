using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Appliance.Host.Portal;

public static class PortalSetup
{
    /// <summary>
    /// Content-Security-Policy of every portal page: scripts, styles and connections only from the appliance
    /// itself (no inline script), no framing, forms post only to the appliance.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /// <summary>Server-rendered Razor Pages; every page needs a session except setup and login.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
            {
                // The portal's share of the role table (the API's is Auth.AccessPolicy).
                o.Conventions.AuthorizeFolder("/", "role:" + Auth.Roles.Viewer);
                o.Conventions.AuthorizePage("/Cameras", "role:" + Auth.Roles.Operator);
                o.Conventions.AuthorizePage("/Cameras/Certificate", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/Events", "role:" + Auth.Roles.Operator);
                o.Conventions.AuthorizePage("/Plugins", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/Rules", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizeFolder("/Network", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/System", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/Welcome", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/Backup", "role:" + Auth.Roles.Admin);
                o.Conventions.AuthorizePage("/Security", "role:" + Auth.Roles.Admin);
                o.Conventions.AllowAnonymousToPage("/Setup");
                o.Conventions.AllowAnonymousToPage("/Login");
                o.Conventions.AllowAnonymousToPage("/Forbidden");
                o.Conventions.AllowAnonymousToPage("/Error");
            })
            // The pages live in this assembly whatever the entry assembly is (tests build the app in-process).
            .AddApplicationPart(typeof(PortalSetup).Assembly);
        services.AddSingleton<PluginPageFetcher>();
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "appliance.notice";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        return services;
    }

    public static void MapPortal(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            var path = http.Request.Path;
            var pluginRoute = path.StartsWithSegments("/plugins", out var rest) && rest.Value is { Length: > 1 };
            if (!path.StartsWithSegments("/api") && !pluginRoute)
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
            }
            return next(http);
        });
        // A build (not a publish) has no wwwroot next to the assembly: serve the project's wwwroot through the
        // build's static web assets manifest, as Development does (./build.sh run, tests' host processes).
        if (string.IsNullOrEmpty(app.Environment.WebRootPath) || !Directory.Exists(app.Environment.WebRootPath))
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        // The static assets manifest is named after this assembly (not the entry assembly, which differs in tests).
        var manifest = Path.Combine(AppContext.BaseDirectory, typeof(PortalSetup).Assembly.GetName().Name + ".staticwebassets.endpoints.json");
        if (File.Exists(manifest))
            app.MapStaticAssets(manifest);
        else
            app.UseStaticFiles();
        app.MapRazorPages();
    }
}
