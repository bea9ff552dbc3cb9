using System.Text;

namespace Appliance.Host.Cameras;

/// <summary>Checks what a user typed about a camera; every problem with the field it concerns.</summary>
public static class CameraValidation
{
    public static List<string> Validate(CameraInput input, bool requireLocation)
    {
        var errors = new List<string>();
        if (requireLocation && string.IsNullOrWhiteSpace(input.StreamUri) && string.IsNullOrWhiteSpace(input.OnvifUri))
            errors.Add("streamUri: give an RTSP URL or an ONVIF device address (onvifUri)");
        if (input.StreamUri is not null && !IsRtspUri(input.StreamUri))
            errors.Add($"streamUri: '{Clip(input.StreamUri)}' is not an rtsp:// or rtsps:// URL with a host");
        if (input.OnvifUri is not null && !IsHttpUri(input.OnvifUri))
            errors.Add($"onvifUri: '{Clip(input.OnvifUri)}' is not an http:// or https:// URL with a host");
        if (input.Name is { } name && (name.Trim().Length == 0 || name.Length > 100))
            errors.Add("name: must be 1 to 100 characters");
        if (input.Username is { Length: > 200 }) errors.Add("username: longer than 200 characters");
        if (input.Password is { Length: > 200 }) errors.Add("password: longer than 200 characters");
        if (input.Overrides is { } o)
        {
            if (o.RtspTransport is not null and not ("tcp" or "udp" or "auto"))
                errors.Add($"overrides.rtspTransport: '{Clip(o.RtspTransport)}' is not auto, tcp or udp");
            if (o.RtspPort is < 1 or > 65535) errors.Add($"overrides.rtspPort: {o.RtspPort} is not a TCP port");
            if (o.HttpPort is < 1 or > 65535) errors.Add($"overrides.httpPort: {o.HttpPort} is not a TCP port");
            if (o.SubStreamUri is { } sub && !IsRtspUri(sub))
                errors.Add($"overrides.subStreamUri: '{Clip(sub)}' is not an rtsp:// or rtsps:// URL with a host");
            else if (o.SubStreamUri is { } withUser && new Uri(withUser).UserInfo.Length > 0)
                errors.Add("overrides.subStreamUri: no user name or password in the URL; the camera's username and password are used");
        }
        return errors;
    }

    public static bool IsRtspUri(string text) =>
        text.Length <= 2048 && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "rtsp" or "rtsps" && uri.Host.Length > 0;

    public static bool IsHttpUri(string text) =>
        text.Length <= 2048 && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    /// <summary>A readable id from the camera's name: lower-case letters, digits and dashes, unique.</summary>
    public static string NewId(string name, IEnumerable<string> taken)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
            if (builder.Length >= 40) break;
        }
        var stem = builder.ToString().Trim('-');
        if (stem.Length == 0) stem = "camera";
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var id = stem;
        for (var n = 2; used.Contains(id); n++) id = $"{stem}-{n}";
        return id;
    }

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "..." : text;
}
