using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Onvif.Plugin.Facade.Http;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Auth;

/// <summary>What authentication decided for one request.</summary>
public abstract record AuthOutcome
{
    /// <summary>The caller is this user.</summary>
    public sealed record Authenticated(VerifiedUser User) : AuthOutcome;

    /// <summary>Answer HTTP 401 with a Digest challenge (no credentials, wrong Digest, or a token we cannot verify).</summary>
    public sealed record Challenge(bool Stale, string Reason) : AuthOutcome;

    /// <summary>Answer a SOAP fault <c>ter:NotAuthorized</c> (a UsernameToken that is wrong, replayed or stale).</summary>
    public sealed record Refused(Failure Why) : AuthOutcome;
}

/// <summary>HTTP Digest first (the header wins when both are sent), then the WS-Security UsernameToken, else a challenge.</summary>
public sealed class FacadeAuthenticator(HttpDigestVerifier digest, UsernameTokenCheck tokens)
{
    public HttpDigestVerifier Digest => digest;

    public async Task<AuthOutcome> AuthenticateAsync(HttpRequest request, XElement? soapHeader, CancellationToken cancellationToken)
    {
        var authorization = request.Header("Authorization");
        if (authorization is not null && authorization.TrimStart().StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
        {
            var user = await digest.VerifyAsync(authorization, request.Method, cancellationToken).ConfigureAwait(false);
            return user.TryGetValue(out var u, out var failure)
                ? new AuthOutcome.Authenticated(u)
                : new AuthOutcome.Challenge(failure.Code == "stale", failure.Message);
        }
        var token = UsernameTokenCheck.Find(soapHeader);
        if (token is null) return new AuthOutcome.Challenge(false, "no credentials");
        var verified = await tokens.VerifyAsync(token, cancellationToken).ConfigureAwait(false);
        if (verified.TryGetValue(out var v, out var why)) return new AuthOutcome.Authenticated(v);
        return why.Code == "unverifiable" ? new AuthOutcome.Challenge(false, why.Message) : new AuthOutcome.Refused(why);
    }
}
