using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>
/// RTSP credentials checked against the appliance's users (HostApi 1.1 <see cref="IUserVerifier"/>): any user
/// with at least the viewer role may watch. Digest uses the user's HA1 for the declared realm, so the password
/// never reaches the plugin.
/// </summary>
internal sealed class HostUserVerifier(IUserVerifier users, IPluginLogger logger) : IRtspCredentialVerifier
{
    public async ValueTask<bool> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var result = await users.VerifyPasswordAsync(userName, password, cancellationToken).ConfigureAwait(false);
        return result.IsOk && result.Value.Role >= UserRole.Viewer;
    }

    public async ValueTask<bool> VerifyDigestAsync(RtspDigestCredentials credentials, string method, CancellationToken cancellationToken)
    {
        var result = await users.GetDigestHa1Async(credentials.UserName, credentials.Realm, DigestAlgorithm.Md5, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            if (result.Failure!.Code is "no-digest" or "realm-not-declared")
                logger.Warn("RTSP user {User}: {Reason}", credentials.UserName, result.Failure.Message);
            return false;
        }
        return result.Value.Role >= UserRole.Viewer && credentials.MatchesHa1(result.Value.Ha1, method);
    }
}
