using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Media;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>Where a camera's video is: the RTSP URI (port override applied), the profile it belongs to, and which media service answered.</summary>
public sealed record ResolvedStream(Uri StreamUri, MediaProfile Profile, bool ViaMedia2);

/// <summary>
/// GetProfiles, then the configured (or first) profile's GetStreamUri. Media2 is preferred when the device lists it
/// (GetServices); a Media2 failure other than transport or authentication falls back to Media ver10.
/// </summary>
public static class StreamUriResolver
{
    public static Task<Result<ResolvedStream>> ResolveAsync(OnvifClient client, ServiceAddresses services, string? configuredProfile,
        int? rtspPort, CancellationToken cancellationToken = default) =>
        ResolveAsync(client, services, profiles => ProfileSelection.Select(profiles, configuredProfile), rtspPort, cancellationToken);

    /// <summary>
    /// The sub stream: the first profile other than the main one (the configured profile, or the first), for a
    /// camera with several profiles. A camera with one profile fails with <see cref="ErrorKind.NoSubProfile"/>.
    /// </summary>
    public static Task<Result<ResolvedStream>> ResolveSubAsync(OnvifClient client, ServiceAddresses services, string? configuredProfile,
        int? rtspPort, CancellationToken cancellationToken = default) =>
        ResolveAsync(client, services, profiles => ProfileSelection.SelectSub(profiles, configuredProfile), rtspPort, cancellationToken);

    private static async Task<Result<ResolvedStream>> ResolveAsync(OnvifClient client, ServiceAddresses services,
        Func<IReadOnlyList<MediaProfile>, Result<MediaProfile>> select, int? rtspPort, CancellationToken cancellationToken)
    {
        Failure? media2Error = null;
        if (services.Media2 is { } media2)
        {
            var viaMedia2 = await ResolveWithAsync(client.GetProfiles2Async(media2, cancellationToken),
                token => client.GetStreamUri2Async(media2, token, cancellationToken), select, rtspPort, true).ConfigureAwait(false);
            if (viaMedia2.IsOk || viaMedia2.Failure!.Code is ErrorKind.Transport or ErrorKind.NotAuthorized || services.Media is null)
                return viaMedia2;
            media2Error = viaMedia2.Failure;
        }
        if (services.Media is not { } media)
            return Result<ResolvedStream>.Fail(ErrorKind.UnexpectedMessage, "the device offers neither a Media nor a Media2 service");
        var viaMedia = await ResolveWithAsync(client.GetProfilesAsync(media, cancellationToken),
            token => client.GetStreamUriAsync(media, token, cancellationToken), select, rtspPort, false).ConfigureAwait(false);
        return viaMedia.IsOk || media2Error is null
            ? viaMedia
            : Result<ResolvedStream>.Fail(viaMedia.Failure!.Code, $"{viaMedia.Failure.Message} (Media2 failed before: {media2Error.Message})");
    }

    private static async Task<Result<ResolvedStream>> ResolveWithAsync(Task<Result<IReadOnlyList<MediaProfile>>> getProfiles,
        Func<string, Task<Result<Uri>>> getStreamUri, Func<IReadOnlyList<MediaProfile>, Result<MediaProfile>> select, int? rtspPort, bool viaMedia2)
    {
        var profiles = await getProfiles.ConfigureAwait(false);
        if (!profiles.IsOk) return profiles.Failure!;
        var profile = select(profiles.Value);
        if (!profile.IsOk) return profile.Failure!;
        var uri = await getStreamUri(profile.Value.Token).ConfigureAwait(false);
        if (!uri.IsOk) return uri.Failure!;
        if (uri.Value.Scheme is not ("rtsp" or "rtsps"))
            return Result<ResolvedStream>.Fail(ErrorKind.UnexpectedMessage, $"GetStreamUri returned {uri.Value.Scheme}: URI, not rtsp:");
        return new ResolvedStream(PortOverrides.ApplyRtspPort(uri.Value, rtspPort), profile.Value, viaMedia2);
    }
}
