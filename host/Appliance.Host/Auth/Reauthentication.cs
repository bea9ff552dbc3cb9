using System.Globalization;
using System.Security.Claims;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>
/// Sensitive changes (installing a plugin, changing users) need a recent login: the session's or token's
/// password was given within <see cref="AuthOptions.ReauthMinutes"/>, or the request carries the caller's
/// password again in <see cref="Header"/> (checked through the login throttle).
/// </summary>
public static class Reauthentication
{
    public const string Header = "X-Reauth-Password";

    /// <summary>Null when the caller may proceed, else the refusal (403) to return.</summary>
    public static async Task<IResult?> CheckAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ApplianceOptions>>().Value.Auth;
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        if (IsRecent(http.User, time.GetUtcNow(), TimeSpan.FromMinutes(options.ReauthMinutes))) return null;
        var password = http.Request.Headers[Header].ToString();
        var name = http.User.Identity?.Name;
        if (password.Length > 0 && name is not null)
        {
            var login = http.RequestServices.GetRequiredService<LoginService>();
            var result = await login.VerifyAsync(name, password, http.Connection.RemoteIpAddress, http.RequestAborted);
            if (result.Outcome == LoginOutcome.Success) return null;
            if (result.Outcome == LoginOutcome.LockedOut)
                return Results.Problem(detail: "too many failed attempts; try again later", statusCode: 429, title: "Too many requests");
        }
        return Results.Problem(
            detail: $"this change needs your password again (send it in {Header}, or log in again)",
            statusCode: 403, title: "Re-authentication required");
    }

    public static bool IsRecent(ClaimsPrincipal user, DateTimeOffset now, TimeSpan window) =>
        long.TryParse(user.FindFirstValue(LoginService.AuthTimeClaim), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
        && now - DateTimeOffset.FromUnixTimeSeconds(seconds) <= window;

    /// <summary>Adds the check in front of an endpoint.</summary>
    public static TBuilder RequireReauthentication<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => await CheckAsync(context.HttpContext) ?? await next(context));
}
