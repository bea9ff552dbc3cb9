using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Appliance.Host.Auth;

/// <summary>
/// The few endpoints that work without a session: first-start setup (only while no user exists),
/// login (cookie) and token issue for tools. Everything under <c>/api/v1</c> needs authentication.
/// </summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this WebApplication app)
    {
        var auth = app.MapGroup("/auth").WithTags("auth").DisableAntiforgery();
        auth.MapGet("/state", (UserStore users, HttpContext http) =>
            Results.Ok(new { setupRequired = !users.HasUsers(), user = http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null }))
            .AllowAnonymous();

        auth.MapPost("/setup", (Credentials body, UserStore users) =>
        {
            if (users.HasUsers()) return Results.Problem(detail: "setup: the appliance already has an administrator", statusCode: 409);
            var error = users.CreateFirstAdmin(body.Username ?? "", body.Password ?? "");
            return error is null ? Results.Ok(new { created = body.Username }) : Results.Problem(detail: error, statusCode: 400);
        }).AllowAnonymous();

        auth.MapPost("/login", async (Credentials body, UserStore users, HttpContext http) =>
        {
            var result = users.Verify(body.Username ?? "", body.Password ?? "");
            if (result.Outcome == LoginOutcome.LockedOut)
                return Results.Problem(detail: $"account locked until {result.LockedUntil:O} after repeated failures", statusCode: 429);
            if (result.Outcome != LoginOutcome.Success)
                return Results.Problem(detail: "wrong user name or password", statusCode: 401);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(result.User!, result.Role!));
            return Results.Ok(new { user = result.User });
        }).AllowAnonymous();

        auth.MapPost("/token", (TokenRequest body, UserStore users, TokenStore tokens) =>
        {
            var result = users.Verify(body.Username ?? "", body.Password ?? "");
            if (result.Outcome == LoginOutcome.LockedOut)
                return Results.Problem(detail: $"account locked until {result.LockedUntil:O} after repeated failures", statusCode: 429);
            if (result.Outcome != LoginOutcome.Success)
                return Results.Problem(detail: "wrong user name or password", statusCode: 401);
            return Results.Ok(new { token = tokens.Create(result.User!, body.Label ?? "appliancectl") });
        }).AllowAnonymous();

        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Ok();
        }).AllowAnonymous();
    }

    public static ClaimsPrincipal Principal(string user, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, role)], CookieAuthenticationDefaults.AuthenticationScheme));
}

public sealed record Credentials(string? Username, string? Password);

public sealed record TokenRequest(string? Username, string? Password, string? Label);
