using System.Threading.RateLimiting;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>
/// Request size and rate limits. Kestrel refuses any body above <see cref="PluginHostOptions.MaxRequestBytes"/>
/// (1 MiB); the anonymous endpoints (<c>/auth/*</c>, the login, setup and logout pages) accept at most
/// <see cref="AnonymousBodyBytes"/>, refused from the Content-Length before anything is read; only the plugin
/// upload (and plugin routes) declare a larger limit on their endpoint. Rate limits (ASP.NET Core rate limiting,
/// token buckets per source address, or per user once authenticated): <see cref="AuthPolicy"/> and <see cref="ApiPolicy"/>.
/// </summary>
public static class RequestLimits
{
    public const string AuthPolicy = "auth";
    public const string ApiPolicy = "api";
    public const long AnonymousBodyBytes = 16 * 1024;

    public static IServiceCollection AddApplianceRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "10";
                await ctx.HttpContext.Response.WriteAsJsonAsync(new { title = "Too many requests", status = 429, detail = "too many requests from this source; slow down" }, ct);
            };
            o.AddPolicy(AuthPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                SourceAddresses.Key(http.Connection.RemoteIpAddress),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = 30,
                    TokensPerPeriod = 10,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            o.AddPolicy(ApiPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.Identity.Name : "src:" + SourceAddresses.Key(http.Connection.RemoteIpAddress),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = 600,
                    TokensPerPeriod = 200,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
        return services;
    }

    /// <summary>The small limit for anonymous endpoints, set before authentication or model binding reads a byte.</summary>
    public static void UseBodyLimits(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            if (path.StartsWithSegments("/auth") || path.StartsWithSegments("/login") || path.StartsWithSegments("/setup") || path.StartsWithSegments("/logout")
                || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics"))
            {
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    limit.MaxRequestBodySize = AnonymousBodyBytes;
                if (http.Request.ContentLength > AnonymousBodyBytes)
                {
                    http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    http.Response.Headers.Connection = "close";
                    return http.Response.WriteAsJsonAsync(new { title = "Payload too large", status = 413, detail = $"this endpoint accepts at most {AnonymousBodyBytes} bytes" });
                }
            }
            return next(http);
        });
    }

    /// <summary>After authentication: an administrator's plugin upload from the portal may send a package-sized body.</summary>
    public static void UsePortalUploadLimit(this WebApplication app, long maxPackageBytes)
    {
        app.Use((http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals("/Plugins", StringComparison.OrdinalIgnoreCase)
                && Roles.Allows(http.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value, Roles.Admin)
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = maxPackageBytes;
            // The backup page's restore upload: a backup file (checked against its own limit while it is read).
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals("/Backup", StringComparison.OrdinalIgnoreCase)
                && Roles.Allows(http.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value, Roles.Admin)
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } backupLimit)
                backupLimit.MaxRequestBodySize = 2L * Backup.BackupLimits.MaxFileBytes;
            return next(http);
        });
    }

    /// <summary>Kestrel's default body limit (the largest any endpoint may raise it to is declared per endpoint).</summary>
    public static long DefaultBodyBytes(ApplianceOptions options) => options.Plugins.MaxRequestBytes;
}
