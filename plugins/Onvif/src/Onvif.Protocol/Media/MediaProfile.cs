using Appliance.Abstractions;
namespace Appliance.Plugins.Onvif.Protocol.Media;

/// <summary>A media profile (Media ver10 or Media2 ver20): its token, name, video encoding, size, frame rate limit and whether PTZ is configured on it.</summary>
public sealed record MediaProfile(string Token, string Name, string? Encoding, int? Width, int? Height, bool HasPtz, bool IsMedia2, double? Fps = null);

public static class ProfileSelection
{
    /// <summary>
    /// The configured profile (matched by token, then by name, case-insensitive) or the first one.
    /// A configured profile the camera does not have is an error, not a silent fallback.
    /// </summary>
    public static Result<MediaProfile> Select(IReadOnlyList<MediaProfile> profiles, string? configured)
    {
        if (profiles.Count == 0)
            return Result<MediaProfile>.Fail(ErrorKind.UnexpectedMessage, "the camera reports no media profile");
        if (string.IsNullOrWhiteSpace(configured))
            return profiles[0];
        var match = profiles.FirstOrDefault(p => string.Equals(p.Token, configured, StringComparison.OrdinalIgnoreCase))
                    ?? profiles.FirstOrDefault(p => string.Equals(p.Name, configured, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? match
            : Result<MediaProfile>.Fail(ErrorKind.UnexpectedMessage,
                $"configured profile \"{configured}\" not found; the camera has {string.Join(", ", profiles.Select(p => $"{p.Token} ({p.Name})"))}");
    }

    /// <summary>The sub stream's profile: the first one that is not the main one (<see cref="Select"/>); NotFound when there is none.</summary>
    public static Result<MediaProfile> SelectSub(IReadOnlyList<MediaProfile> profiles, string? configured)
    {
        var main = Select(profiles, configured);
        if (!main.IsOk) return main;
        var sub = profiles.FirstOrDefault(p => !string.Equals(p.Token, main.Value.Token, StringComparison.Ordinal));
        return sub is not null ? sub : Result<MediaProfile>.Fail(ErrorKind.NoSubProfile, "the camera has a single media profile");
    }
}

/// <summary>Per-camera port overrides applied to what the camera reports (a VMS lets the RTSP port be changed per camera, e.g. behind port forwarding).</summary>
public static class PortOverrides
{
    /// <summary>The stream URI with its port replaced by <paramref name="rtspPort"/> when set; user info, path and query kept.</summary>
    public static Uri ApplyRtspPort(Uri streamUri, int? rtspPort) => WithPort(streamUri, rtspPort);

    /// <summary>A device service address with its port replaced by <paramref name="httpPort"/> when set.</summary>
    public static Uri ApplyHttpPort(Uri serviceUri, int? httpPort) => WithPort(serviceUri, httpPort);

    private static Uri WithPort(Uri uri, int? port)
    {
        if (port is null) return uri;
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 1-65535");
        return new UriBuilder(uri) { Port = port.Value }.Uri;
    }
}
