using Appliance.Host.Auth;

namespace Appliance.Host.Api;

/// <summary>User management (administrators; every change needs a recent login or the password again).</summary>
internal static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("users");
        group.MapGet("/", (UserStore users) => Results.Ok(users.List())).WithName("ListUsers").WithSummary("Users and their roles");
        group.MapPost("/", (NewUser body, UserStore users) =>
            users.Create(body.Username ?? "", body.Password ?? "", body.Role ?? "") is { } error
                ? PluginsApi.Problem(400, error)
                : Results.Created($"/api/v1/users/{body.Username}", new { user = body.Username, role = body.Role }))
            .RequireReauthentication().WithName("CreateUser").WithSummary("Add a local user with a role");
        group.MapPut("/{name}/role", (string name, RoleChange body, UserStore users, SessionStore sessions, TokenStore tokens) =>
        {
            if (users.SetRole(name, body.Role ?? "") is { } error) return PluginsApi.Problem(error.Contains("does not exist") ? 404 : 400, error);
            return Results.Ok(new { user = name, role = body.Role });
        }).RequireReauthentication().WithName("SetUserRole").WithSummary("Change a user's role (effective on their next request)");
        group.MapPut("/{name}/password", (string name, PasswordSet body, UserStore users, SessionStore sessions, TokenStore tokens) =>
        {
            if (users.SetPassword(name, body.Password ?? "") is { } error) return PluginsApi.Problem(error.Contains("does not exist") ? 404 : 400, error);
            return Results.Ok(new { user = name, sessionsEnded = sessions.EndAll(name, "password reset"), tokensRevoked = tokens.RevokeAll(name) });
        }).RequireReauthentication().WithName("SetUserPassword").WithSummary("Set a user's password; ends their sessions and revokes their tokens");
        group.MapDelete("/{name}", (string name, UserStore users, TokenStore tokens) =>
        {
            tokens.RevokeAll(name);
            return users.Delete(name) is { } error ? PluginsApi.Problem(error.Contains("does not exist") ? 404 : 400, error) : Results.NoContent();
        }).RequireReauthentication().WithName("DeleteUser").WithSummary("Delete a user (their sessions and tokens end)");
        group.MapPost("/{name}/unlock", (string name, LoginThrottle throttle) =>
        {
            throttle.Unlock(name);
            return Results.Ok(new { unlocked = name });
        }).WithName("UnlockUser").WithSummary("Clear a user's login failures");
    }
}

public sealed record NewUser(string? Username, string? Password, string? Role);

public sealed record RoleChange(string? Role);

public sealed record PasswordSet(string? Password);
