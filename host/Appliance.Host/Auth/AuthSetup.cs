using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Appliance.Host.Auth;

public static class AuthSetup
{
    public const string PolicyScheme = "Appliance";
    public const string CsrfHeader = "X-CSRF-TOKEN";

    /// <summary>
    /// Cookie sessions for the portal (HttpOnly, Secure, SameSite=Strict) and bearer tokens for tools,
    /// chosen per request. API calls without a session get 401, not a redirect.
    /// </summary>
    public static IServiceCollection AddApplianceAuth(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenStore>();
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "cookie or bearer token", o =>
            {
                o.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? TokenAuthenticationHandler.SchemeName
                        : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "appliance.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/login";
                o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorization(o =>
        {
            o.FallbackPolicy = null;
            o.DefaultPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(PolicyScheme).RequireAuthenticatedUser().Build();
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "appliance.csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        // "/plugins/{id}/..." are plugin routes; "/Plugins" alone is the portal page (redirected to the login form).
        var pluginRoute = path.StartsWithSegments("/plugins", out var rest) && rest.Value is { Length: > 1 };
        if (path.StartsWithSegments("/api") || pluginRoute || path.StartsWithSegments("/auth"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Authentication, authorization, and CSRF: a state-changing API call made with the session cookie
    /// must carry the antiforgery token in <see cref="CsrfHeader"/> (bearer-token calls need not: no ambient credential).
    /// </summary>
    public static void UseApplianceAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            var unsafeMethod = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method);
            var cookieAuthenticated = http.User.Identity?.IsAuthenticated == true && http.User.Identity.AuthenticationType != TokenAuthenticationHandler.SchemeName;
            if (unsafeMethod && cookieAuthenticated && (path.StartsWithSegments("/api") || path.StartsWithSegments("/plugins")))
            {
                var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    http.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await http.Response.WriteAsJsonAsync(new { title = "Refused", detail = $"missing or invalid CSRF token (send it in {CsrfHeader})" });
                    return;
                }
            }
            await next(http);
        });
    }
}
