using System.Security.Claims;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Api;

/// <summary>
/// The caller's own account: who they are, their password, their API tokens and portal sessions.
/// Administrators see and revoke everyone's tokens and sessions.
/// </summary>
internal static class AccountApi
{
    public static void MapAccountApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("account");
        me.MapGet("/", (HttpContext http) => Results.Ok(new MeResponse(http.User.Identity!.Name!, http.User.Role()!)))
            .WithName("GetMe").WithSummary("The caller's user name and role");
        me.MapPost("/password", async (PasswordChange body, LoginService login, UserStore users, SessionStore sessions, TokenStore tokens, HttpContext http) =>
        {
            var name = http.User.Identity!.Name!;
            if (!users.IsLocal(name)) return PluginsApi.Problem(400, "password: this user logs in through the directory; change the password there");
            var check = await login.VerifyAsync(name, body.CurrentPassword ?? "", http.Connection.RemoteIpAddress, http.RequestAborted);
            if (check.Outcome == LoginOutcome.LockedOut) return Results.Problem(detail: "too many failed attempts; try again later", statusCode: 429);
            if (check.Outcome != LoginOutcome.Success) return PluginsApi.Problem(403, "currentPassword: wrong password");
            if (users.SetPassword(name, body.NewPassword ?? "") is { } error) return PluginsApi.Problem(400, error);
            var ended = sessions.EndAll(name, "password changed");
            var revoked = tokens.RevokeAll(name);
            if (http.User.Identity.AuthenticationType != TokenAuthenticationHandler.SchemeName)
                await AuthSetup.SignInPortalAsync(http, name, check.Role!);
            return Results.Ok(new { changed = true, sessionsEnded = ended, tokensRevoked = revoked });
        }).WithName("ChangeMyPassword").WithSummary("Change the caller's password; ends their other sessions and revokes their tokens");

        var tokensGroup = api.MapGroup("/tokens").WithTags("account");
        tokensGroup.MapGet("/", (TokenStore tokens, HttpContext http, bool? all) =>
            Results.Ok(tokens.List(all == true && http.User.Role() == Roles.Admin ? null : http.User.Identity!.Name)))
            .WithName("ListTokens").WithSummary("The caller's API tokens (an administrator may ask for all)");
        tokensGroup.MapPost("/", (NewToken body, TokenStore tokens, IOptions<ApplianceOptions> options, HttpContext http) =>
        {
            if (AuthEndpoints.TokenLifetime(body.ExpiresInDays, options.Value.Auth) is not { } lifetime)
                return PluginsApi.Problem(400, $"expiresInDays: between 0.01 and {options.Value.Auth.MaxTokenDays}");
            var (id, token) = tokens.Create(http.User.Identity!.Name!, body.Label ?? "token", lifetime);
            return Results.Ok(new { id, token, expiresAt = DateTimeOffset.UtcNow + lifetime });
        }).WithName("CreateToken").WithSummary("Create an API token for the caller (shown once)");
        tokensGroup.MapDelete("/{id}", (string id, TokenStore tokens, HttpContext http) =>
            tokens.Revoke(id, http.User.Role() == Roles.Admin ? null : http.User.Identity!.Name)
                ? Results.NoContent()
                : PluginsApi.Problem(404, $"token '{id}' does not exist or is already revoked"))
            .WithName("RevokeToken").WithSummary("Revoke an API token (the caller's own; an administrator's: any)");

        var sessionsGroup = api.MapGroup("/sessions").WithTags("account");
        sessionsGroup.MapGet("/", (SessionStore sessions, HttpContext http, bool? all) =>
            Results.Ok(sessions.List(all == true && http.User.Role() == Roles.Admin ? null : http.User.Identity!.Name)))
            .WithName("ListSessions").WithSummary("The caller's live portal sessions (an administrator may ask for all)");
        sessionsGroup.MapDelete("/{id}", (string id, SessionStore sessions, HttpContext http) =>
            sessions.End(id, "revoked", http.User.Role() == Roles.Admin ? null : http.User.Identity!.Name)
                ? Results.NoContent()
                : PluginsApi.Problem(404, $"session '{id}' does not exist or has ended"))
            .WithName("EndSession").WithSummary("End a portal session at once");
    }
}

public sealed record MeResponse(string User, string Role);

public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

public sealed record NewToken(string? Label, double? ExpiresInDays);
