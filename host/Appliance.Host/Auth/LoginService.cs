using System.Net;
using System.Security.Claims;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

public enum LoginOutcome { Success, Invalid, LockedOut }

public sealed record LoginResult(LoginOutcome Outcome, string? User, string? Role, DateTimeOffset? LockedUntil);

/// <summary>
/// Every password check goes through here (portal login, token issue, re-authentication): the throttle admits
/// the attempt first (atomically), then the local user store or the directory answers.
/// </summary>
public sealed class LoginService(UserStore users, LoginThrottle throttle, SourceAddresses sources, IDirectoryLogin directory, ILogger<LoginService> log)
{
    public const string AuthTimeClaim = "appliance:auth_time";

    public async Task<LoginResult> VerifyAsync(string userName, string password, IPAddress? source, CancellationToken ct)
    {
        // A name no account can have, or an empty password, is not a guess at any account: refused the same way,
        // without spending the throttle budget of the source (or of an account its trimmed form might name).
        if (!UserStore.IsValidUserName(userName) || password.Length == 0)
            return new LoginResult(LoginOutcome.Invalid, null, null, null);
        var ticket = throttle.TryAdmit(userName, SourceAddresses.Key(source), sources.IsManagement(source));
        if (!ticket.Admitted)
            return new LoginResult(LoginOutcome.LockedOut, null, null, ticket.RefusedUntil);
        var role = users.CheckPassword(userName, password);
        if (role is null && directory.Enabled && UserStore.IsValidUserName(userName) && users.Source(userName) is null or UserStore.DirectorySource)
        {
            role = await directory.VerifyAsync(userName, password, ct);
            if (role is not null) users.UpsertDirectoryUser(userName, role);
        }
        if (role is not null)
        {
            throttle.Succeeded(ticket);
            return new LoginResult(LoginOutcome.Success, userName, role, null);
        }
        log.LogInformation("Login failed for a user name from {Source}", SourceAddresses.Key(source));
        return throttle.BlockedUntil(ticket) is { } until
            ? new LoginResult(LoginOutcome.LockedOut, null, null, until)
            : new LoginResult(LoginOutcome.Invalid, null, null, null);
    }

    /// <summary>The principal of a portal session or token: name, role, when the password was last given, and the session id.</summary>
    public static ClaimsPrincipal Principal(string user, string role, DateTimeOffset authTime, string? sessionId, string scheme = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.Name, user),
            new(ClaimTypes.Role, role),
            new(AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (sessionId is not null) claims.Add(new Claim(SessionStore.ClaimType, sessionId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>Directory (LDAP/AD) logins: the role of a user whose password the directory accepts, or null.</summary>
public interface IDirectoryLogin
{
    bool Enabled { get; }

    Task<string?> VerifyAsync(string userName, string password, CancellationToken ct);
}
