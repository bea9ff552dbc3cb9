using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>
/// Credentials hygiene for camera input: a user name and password typed inside a URL
/// (<c>rtsp://user:pass@cam/...</c>) are moved into the sealed credential fields and removed from the URL, so
/// they are never stored in clear, returned by the API or published to plugins; and stored credentials never
/// follow a camera to another address.
/// </summary>
public static class CameraCredentials
{
    /// <summary>The input with the URLs' user info removed and moved into Username/Password (explicit fields win).</summary>
    public static CameraInput MoveOutOfUris(CameraInput input)
    {
        var (stream, streamUser, streamPassword) = Split(input.StreamUri);
        var (onvif, onvifUser, onvifPassword) = Split(input.OnvifUri);
        return input with
        {
            StreamUri = stream,
            OnvifUri = onvif,
            Username = input.Username ?? streamUser ?? onvifUser,
            Password = input.Password ?? streamPassword ?? onvifPassword,
        };
    }

    /// <summary>A URL without its user info (for anything stored, shown, logged or published).</summary>
    public static string? WithoutUserInfo(string? uri) => Split(uri).Uri;

    /// <summary>Whether the camera would be reached somewhere else: another host or port for its stream or ONVIF service.</summary>
    public static bool AddressChanges(CameraInfo current, CameraInput next)
    {
        static string? Authority(string? uri, int? portOverride) =>
            uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var u)
                ? $"{u.Host.ToLowerInvariant()}:{portOverride ?? u.Port}"
                : null;
        var streamBefore = Authority(current.StreamUri, current.Overrides.RtspPort);
        var streamAfter = Authority(next.StreamUri ?? current.StreamUri, (next.Overrides ?? current.Overrides).RtspPort);
        var onvifBefore = Authority(current.OnvifUri, current.Overrides.HttpPort);
        var onvifAfter = Authority(next.OnvifUri ?? current.OnvifUri, (next.Overrides ?? current.Overrides).HttpPort);
        return streamBefore != streamAfter || onvifBefore != onvifAfter;
    }

    private static (string? Uri, string? User, string? Password) Split(string? text)
    {
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0) return (text, null, null);
        var info = uri.UserInfo;
        var colon = info.IndexOf(':');
        var user = Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
        var password = colon < 0 ? null : Uri.UnescapeDataString(info[(colon + 1)..]);
        var clean = new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString();
        // UriBuilder adds a trailing slash to an empty path; keep the URL as typed otherwise.
        if (uri.AbsolutePath == "/" && !text.EndsWith('/') && clean.EndsWith('/') && uri.Query.Length == 0) clean = clean[..^1];
        return (clean, user.Length > 0 ? user : null, password is { Length: > 0 } ? password : null);
    }
}
