using System.Security.Claims;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Appliance.Host.Auth;

public static class AuthSetup
{
    public const string PolicyScheme = "Appliance";
    public const string CsrfHeader = "X-CSRF-TOKEN";

    /// <summary>
    /// Cookie sessions for the portal (HttpOnly, Secure, SameSite=Strict, each backed by a server-side session)
    /// and bearer tokens for tools, chosen per request. API calls without a session get 401, not a redirect.
    /// </summary>
    public static IServiceCollection AddApplianceAuth(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SourceAddresses>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<IDirectoryLogin, LdapDirectoryLogin>();
        services.AddSingleton(sp => new SetupCode(options.DataPath("setup-code"), sp.GetRequiredService<ILogger<SetupCode>>()));
        services.AddHostedService<SetupCodeAnnouncer>();
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
                o.ExpireTimeSpan = TimeSpan.FromHours(options.Auth.SessionMaxHours);
                o.SlidingExpiration = false;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/Forbidden";
                o.ReturnUrlParameter = "ReturnUrl";
                o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            });
        services.AddAuthorization(o =>
        {
            o.FallbackPolicy = null;
            o.DefaultPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(PolicyScheme).RequireAuthenticatedUser().Build();
            foreach (var role in Roles.All)
                o.AddPolicy("role:" + role, p => p.AddAuthenticationSchemes(PolicyScheme).RequireAuthenticatedUser()
                    .RequireAssertion(c => Roles.Allows(c.User.FindFirstValue(ClaimTypes.Role), role)));
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "appliance.csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddApplianceRateLimits();
        return services;
    }

    /// <summary>Signs a user in to the portal: a new server-side session and the cookie naming it.</summary>
    public static async Task SignInPortalAsync(HttpContext http, string user, string role)
    {
        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var id = sessions.Create(user, SourceAddresses.Key(http.Connection.RemoteIpAddress));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, LoginService.Principal(user, role, time.GetUtcNow(), id));
    }

    /// <summary>Ends the caller's portal session on the server and removes the cookie.</summary>
    public static async Task SignOutPortalAsync(HttpContext http, string reason)
    {
        if (http.User.FindFirstValue(SessionStore.ClaimType) is { } sid)
            http.RequestServices.GetRequiredService<SessionStore>().End(sid, reason);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Every cookie request: the session it names must be live; the role is the user's current one.</summary>
    private static Task ValidateSessionAsync(CookieValidatePrincipalContext ctx)
    {
        var sid = ctx.Principal?.FindFirstValue(SessionStore.ClaimType);
        var live = sid is null ? null : ctx.HttpContext.RequestServices.GetRequiredService<SessionStore>().Touch(sid);
        if (live is not { } session)
        {
            ctx.RejectPrincipal();
            return ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        if (ctx.Principal!.FindFirstValue(ClaimTypes.Role) != session.Role)
        {
            var authTime = long.Parse(ctx.Principal!.FindFirstValue(LoginService.AuthTimeClaim) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            ctx.ReplacePrincipal(LoginService.Principal(session.User, session.Role, DateTimeOffset.FromUnixTimeSeconds(authTime), sid));
            ctx.ShouldRenew = true;
        }
        return Task.CompletedTask;
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
    /// Body limits, authentication, rate limits, the role table, and CSRF: a state-changing call made with the
    /// session cookie (API, plugin routes, logout) must carry the antiforgery token in <see cref="CsrfHeader"/>
    /// (bearer-token calls need not: no ambient credential).
    /// </summary>
    public static void UseApplianceAuth(this WebApplication app)
    {
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UsePortalUploadLimit(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApplianceOptions>>().Value.Plugins.MaxPackageBytes);
        app.UseAccessPolicy();
        app.UseAntiforgery();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            var unsafeMethod = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method);
            var cookieAuthenticated = http.User.Identity?.IsAuthenticated == true && http.User.Identity.AuthenticationType != TokenAuthenticationHandler.SchemeName;
            // Plugin routes check CSRF per route in PluginRequestDispatcher (own-auth routes take no cookie).
            var guarded = path.StartsWithSegments("/api") || path.StartsWithSegments("/auth/logout");
            if (unsafeMethod && cookieAuthenticated && guarded)
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

/// <summary>At start, while no user exists, issues the setup code so it appears on the console and in the journal.</summary>
internal sealed class SetupCodeAnnouncer(UserStore users, SetupCode code) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!users.HasUsers()) code.EnsureIssued();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
