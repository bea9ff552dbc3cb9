using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>Authenticates <c>Authorization: Bearer apl_...</c> against <see cref="TokenStore"/> (live, unexpired, unrevoked).</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenStore tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";
    public const string TokenIdClaim = "appliance:token_id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var found = tokens.Validate(header["Bearer ".Length..].Trim());
        if (found is null) return Task.FromResult(AuthenticateResult.Fail("invalid, expired or revoked token"));
        var principal = LoginService.Principal(found.User, found.Role, found.CreatedAt, null, SchemeName);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(TokenIdClaim, found.Id));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
