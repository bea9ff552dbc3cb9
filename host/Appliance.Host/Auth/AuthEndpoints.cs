using System.Security.Claims;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>
/// The few endpoints that work without a session: first-start setup (only while no user exists, with the
/// setup code or from the box itself), login (cookie), token issue for tools, logout (CSRF-checked) and the
/// console unlock. All are rate limited and accept only small bodies (<see cref="RequestLimits"/>).
/// </summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this WebApplication app)
    {
        var auth = app.MapGroup("/auth").WithTags("auth").DisableAntiforgery().RequireRateLimiting(RequestLimits.AuthPolicy);
        auth.MapGet("/state", (UserStore users, HttpContext http) =>
            Results.Ok(new AuthState(!users.HasUsers(), http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null)))
            .AllowAnonymous().WithName("GetAuthState").WithSummary("Whether setup is required, and who the caller is");

        auth.MapPost("/setup", (SetupRequest body, UserStore users, SetupCode code, IOptions<ApplianceOptions> options, HttpContext http) =>
        {
            if (users.HasUsers()) return Results.Problem(detail: "setup: the appliance already has an administrator", statusCode: 409);
            if (!SetupAllowed(http, body.SetupCode, code, options.Value))
                return Results.Problem(detail: "setup: wrong or missing setup code (it is shown on the appliance's console and journal, and has now changed)", statusCode: 403);
            var error = users.CreateFirstAdmin(body.Username ?? "", body.Password ?? "");
            if (error is not null) return Results.Problem(detail: error, statusCode: 400);
            code.Retire();
            return Results.Ok(new { created = body.Username });
        }).AllowAnonymous().WithName("SetUp").WithSummary("Create the first administrator (setup code, or from the box itself)");

        auth.MapPost("/login", async (Credentials body, LoginService login, HttpContext http) =>
        {
            var result = await login.VerifyAsync(body.Username ?? "", body.Password ?? "", http.Connection.RemoteIpAddress, http.RequestAborted);
            if (Refusal(result, http) is { } refused) return refused;
            await AuthSetup.SignInPortalAsync(http, result.User!, result.Role!);
            return Results.Ok(new { user = result.User, role = result.Role });
        }).AllowAnonymous().WithName("LogIn").WithSummary("Log in: a portal session cookie");

        auth.MapPost("/token", async (TokenRequest body, LoginService login, TokenStore tokens, IOptions<ApplianceOptions> options, HttpContext http) =>
        {
            var result = await login.VerifyAsync(body.Username ?? "", body.Password ?? "", http.Connection.RemoteIpAddress, http.RequestAborted);
            if (Refusal(result, http) is { } refused) return refused;
            if (TokenLifetime(body.ExpiresInDays, options.Value.Auth) is not { } lifetime)
                return Results.Problem(detail: $"expiresInDays: between 0.01 and {options.Value.Auth.MaxTokenDays}", statusCode: 400);
            var (id, token) = tokens.Create(result.User!, body.Label ?? "appliancectl", lifetime);
            return Results.Ok(new { token, id, expiresAt = DateTimeOffset.UtcNow + lifetime });
        }).AllowAnonymous().WithName("IssueToken").WithSummary("Issue an API token for a user name and password");

        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await AuthSetup.SignOutPortalAsync(http, "logout");
            return Results.Ok(new { loggedOut = true });
        }).AllowAnonymous().WithName("LogOut").WithSummary("End the caller's portal session (needs the CSRF token with a cookie)");

        auth.MapPost("/unlock", (UnlockRequest body, LoginThrottle throttle, HttpContext http) =>
        {
            if (!SourceAddresses.IsConsole(http.Connection.RemoteIpAddress))
                return Results.Problem(detail: "unlock: only from the appliance itself (appliancectl users unlock on the box), or by an administrator through the API", statusCode: 403);
            throttle.Unlock(body.Username ?? "");
            return Results.Ok(new { unlocked = body.Username });
        }).AllowAnonymous().WithName("UnlockFromConsole").WithSummary("Clear login failures for a user (from the appliance itself only)");
    }

    /// <summary>From the box itself (when allowed), or with the current setup code; a wrong code is replaced.</summary>
    public static bool SetupAllowed(HttpContext http, string? attempt, SetupCode code, ApplianceOptions options)
    {
        if (options.Auth.LoopbackSetup && SourceAddresses.IsConsole(http.Connection.RemoteIpAddress) && string.IsNullOrEmpty(attempt)) return true;
        return code.TryConsume(attempt);
    }

    /// <summary>Whether setup from this request needs the code (the page shows the field then).</summary>
    public static bool SetupNeedsCode(HttpContext http, ApplianceOptions options) =>
        !(options.Auth.LoopbackSetup && SourceAddresses.IsConsole(http.Connection.RemoteIpAddress));

    private static IResult? Refusal(LoginResult result, HttpContext http)
    {
        if (result.Outcome == LoginOutcome.LockedOut)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(((result.LockedUntil ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow).TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(detail: $"too many failed logins from here; try again after {result.LockedUntil:O}", statusCode: 429, title: "Too many requests");
        }
        return result.Outcome == LoginOutcome.Success ? null : Results.Problem(detail: "wrong user name or password", statusCode: 401, title: "Unauthorized");
    }

    public static TimeSpan? TokenLifetime(double? days, AuthOptions auth)
    {
        var value = days ?? auth.DefaultTokenDays;
        return value is >= 0.01 && value <= auth.MaxTokenDays ? TimeSpan.FromDays(value) : null;
    }

    public static string? Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role);
}

public sealed record Credentials(string? Username, string? Password);

public sealed record SetupRequest(string? Username, string? Password, string? SetupCode);

public sealed record TokenRequest(string? Username, string? Password, string? Label, double? ExpiresInDays);

public sealed record UnlockRequest(string? Username);

public sealed record AuthState(bool SetupRequired, string? User);
