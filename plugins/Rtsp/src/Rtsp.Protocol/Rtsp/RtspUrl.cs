using Appliance.Abstractions;

namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>An rtsp:// URL split into where to connect and the request URL without credentials.</summary>
public sealed record RtspUrl(string Host, int Port, string RequestUri, string? UserName, string? Password)
{
    public const int DefaultPort = 554;

    /// <summary>Parses <paramref name="text"/>; <paramref name="portOverride"/> replaces the port (per-camera override).</summary>
    public static Result<RtspUrl> Parse(string? text, int? portOverride = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return Result<RtspUrl>.Fail("malformed", "empty RTSP URL");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) return Result<RtspUrl>.Fail("malformed", $"'{text}' is not an absolute URL");
        if (!string.Equals(uri.Scheme, "rtsp", StringComparison.OrdinalIgnoreCase))
            return Result<RtspUrl>.Fail("malformed", $"unsupported scheme '{uri.Scheme}' (rtsp expected)");
        if (string.IsNullOrEmpty(uri.Host)) return Result<RtspUrl>.Fail("malformed", "RTSP URL has no host");
        if (portOverride is { } p && p is < 1 or > 65535) return Result<RtspUrl>.Fail("malformed", $"port override {p} is not a TCP port");
        var port = portOverride ?? (uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port);
        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        var request = $"rtsp://{host}:{port}{uri.PathAndQuery}";
        return Result<RtspUrl>.Ok(new RtspUrl(uri.IdnHost.Trim('[', ']'), port, request, user, password));
    }

    /// <summary>Resolves an SDP control attribute against a base URL (RFC 2326 §C.1.1).</summary>
    public static string ResolveControl(string baseUrl, string? control)
    {
        if (string.IsNullOrEmpty(control) || control == "*") return baseUrl;
        if (control.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || control.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
            return control;
        if (control.StartsWith('/') && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b))
            return $"{b.Scheme}://{b.Authority}{control}";
        return baseUrl.EndsWith('/') ? baseUrl + control : baseUrl + "/" + control;
    }
}
