namespace Appliance.Abstractions.Services;

/// <summary>
/// The appliance's users for protocol plugins that authenticate their own clients (RTSP server, ONVIF facade,
/// WHEP): the same users, passwords, roles and lockout as the portal. Failed checks count towards the user's
/// lockout. Failure codes: <c>invalid</c> (unknown user or wrong password, indistinguishable), <c>locked-out</c>,
/// <c>realm-not-declared</c> (the manifest's <c>digestRealms</c> does not list the realm), <c>no-digest</c> (the
/// user's password has not been seen since the realm was declared: it is kept when a password is set or checked).
/// </summary>
public interface IUserVerifier
{
    /// <summary>Checks a user name and password (Basic authentication, WS-Security UsernameToken with the password...).</summary>
    Task<Result<VerifiedUser>> VerifyPasswordAsync(string user, string password, CancellationToken cancellationToken = default);

    /// <summary>
    /// The Digest HA1 (<c>H(user:realm:password)</c>, lower-case hex) of a user for a realm the manifest declares in
    /// <c>digestRealms</c>, so the plugin can verify RFC 7616 / RFC 2617 Digest responses without the password.
    /// </summary>
    Task<Result<DigestCredential>> GetDigestHa1Async(string user, string realm, DigestAlgorithm algorithm, CancellationToken cancellationToken = default);
}

/// <summary>A user whose credentials were accepted, with the role that decides what the plugin lets them do.</summary>
public sealed record VerifiedUser(string Name, UserRole Role);

/// <summary>The Digest secret of one user for one realm.</summary>
public sealed record DigestCredential(string User, string Realm, DigestAlgorithm Algorithm, string Ha1, UserRole Role);

/// <summary>Digest hash functions (RFC 7616): MD5 for RTSP and ONVIF clients, SHA-256 where clients support it.</summary>
public enum DigestAlgorithm { Md5, Sha256 }
