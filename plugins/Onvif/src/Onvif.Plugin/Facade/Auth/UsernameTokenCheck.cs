using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Auth;

/// <summary>
/// WS-Security UsernameToken (ONVIF Core, user-based access control) against the appliance's users. Every token must be
/// fresh (Created within the window, nonce never seen among tokens that proved their password: <see cref="NonceCache"/>). A <c>PasswordText</c> token is checked
/// with <see cref="IUserVerifier.VerifyPasswordAsync"/>. A <c>PasswordDigest</c> token (SHA-1 over nonce, created and the
/// clear password) can be checked only for a user an admin opted in with an ONVIF password (<see cref="WsSecurityPasswords"/>):
/// the appliance keeps no clear login passwords, only hashes and per-realm HA1s. For other users such a token yields
/// <c>unverifiable</c> and the facade answers with an HTTP Digest challenge. An opted-in user's role is read from the host
/// at each check (<see cref="IUserVerifier.GetDigestHa1Async"/>), so a removed user is refused at once.
/// </summary>
public sealed class UsernameTokenCheck(IUserVerifier users, NonceCache nonces, WsSecurityPasswords? digestPasswords = null)
{
    /// <summary>The realm whose credential tells an opted-in user's role (the facade's Digest realm).</summary>
    public const string RoleRealm = "appliance";

    /// <summary>The token in a SOAP header, or null when there is none.</summary>
    public static XElement? Find(XElement? header) => header?.Element(Ns.Wsse + "Security")?.Element(Ns.Wsse + "UsernameToken");

    /// <summary>Failure codes: <c>malformed</c>, <c>replayed</c>, <c>expired</c>, <c>busy</c>, <c>invalid</c>, <c>unverifiable</c>.</summary>
    public async Task<Result<VerifiedUser>> VerifyAsync(XElement token, CancellationToken cancellationToken)
    {
        var user = token.ChildText(Ns.Wsse + "Username");
        var password = token.Element(Ns.Wsse + "Password");
        var nonce = token.ChildText(Ns.Wsse + "Nonce");
        var createdText = token.ChildText(Ns.Wsu + "Created");
        if (string.IsNullOrEmpty(user) || user.Length > 256 || password is null || password.Value.Length > 1024)
            return new Failure("malformed", "UsernameToken without Username or Password");
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 256 || createdText is null)
            return new Failure("malformed", "UsernameToken without Nonce or Created: replay protection needs both");
        if (!DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
            return new Failure("malformed", $"UsernameToken Created '{Short(createdText)}' is not a date-time");
        if (!nonces.InWindow(created))
            return new Failure("expired", $"UsernameToken Created {createdText} is outside the accepted window");
        var type = password.Attribute("Type")?.Value;
        Result<VerifiedUser> verified;
        if (type == UsernameToken.PasswordDigestType)
        {
            var onvifPassword = digestPasswords is null ? null : await digestPasswords.FindAsync(user, cancellationToken).ConfigureAwait(false);
            if (onvifPassword is null)
                return new Failure("unverifiable", "PasswordDigest needs the clear password, which the appliance does not keep; use HTTP Digest or have an admin set an ONVIF password for this user");
            verified = await VerifyDigestAsync(user, onvifPassword, password.Value, nonce, createdText, cancellationToken).ConfigureAwait(false);
        }
        else verified = await users.VerifyPasswordAsync(user, password.Value, cancellationToken).ConfigureAwait(false);
        if (!verified.IsOk) return new Failure("invalid", $"UsernameToken of {user} refused ({verified.Failure!.Code})");
        // The nonce is remembered only for a token that proved the password: wrong tokens cannot fill the cache.
        return nonces.Admit(nonce, created) switch
        {
            NonceCache.Outcome.Fresh => verified,
            NonceCache.Outcome.Replayed => new Failure("replayed", $"UsernameToken nonce of {user} was already used"),
            NonceCache.Outcome.Full => new Failure("busy", "too many UsernameTokens within the replay window"),
            _ => new Failure("expired", $"UsernameToken Created {createdText} is outside the accepted window"),
        };
    }

    private async Task<Result<VerifiedUser>> VerifyDigestAsync(string user, string onvifPassword, string digest, string nonce, string created, CancellationToken cancellationToken)
    {
        byte[] nonceBytes;
        try { nonceBytes = Convert.FromBase64String(nonce); }
        catch (FormatException) { return new Failure("malformed", "the Nonce is not Base64"); }
        var expected = Encoding.ASCII.GetBytes(UsernameToken.ComputeDigest(nonceBytes, created, onvifPassword));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(digest.Trim())))
            return new Failure("invalid", "wrong PasswordDigest");
        // The user must still exist; the role is the host's, not a copy.
        var credential = await users.GetDigestHa1Async(user, RoleRealm, DigestAlgorithm.Md5, cancellationToken).ConfigureAwait(false);
        if (credential.TryGetValue(out var c, out _)) return new VerifiedUser(c.User, c.Role);
        return credential.Failure!.Code == "no-digest"
            ? new Failure("invalid", "the user's role is not known yet (log in once)")
            : new Failure("invalid", "unknown user");
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
