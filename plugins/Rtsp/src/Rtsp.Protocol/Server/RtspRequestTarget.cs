using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// What a request URI names on this server: a hub stream (<c>rtsp://host:port/camera/lobby</c>) and optionally one of
/// its tracks (<c>.../camera/lobby/trackID=1</c>). The stream name is the URI path without its leading slash,
/// percent-decoded; query strings are ignored.
/// </summary>
public sealed record RtspRequestTarget(string StreamName, int? Track)
{
    public const int MaxUriLength = 4096;

    public static Result<RtspRequestTarget> Parse(string uri)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > MaxUriLength) return new Failure("malformed", "request URI is empty or too long");
        string path;
        if (uri.StartsWith('/'))
        {
            path = uri;
        }
        else
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ||
                !(parsed.Scheme.Equals("rtsp", StringComparison.OrdinalIgnoreCase) || parsed.Scheme.Equals("rtsps", StringComparison.OrdinalIgnoreCase)))
                return new Failure("malformed", "request URI is not an rtsp:// URL or an absolute path");
            path = parsed.AbsolutePath;
        }
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        string decoded;
        try { decoded = Uri.UnescapeDataString(path).Trim('/'); }
        catch (UriFormatException) { return new Failure("malformed", "request URI has bad percent-encoding"); }
        if (decoded.Length == 0) return new Failure("not-found", "request URI names no stream");
        foreach (var c in decoded)
            if (c < ' ' || c == 127) return new Failure("malformed", "request URI has control characters");
        int? track = null;
        var slash = decoded.LastIndexOf('/');
        var last = slash < 0 ? decoded : decoded[(slash + 1)..];
        if (last.StartsWith("trackID=", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(last.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t > 255)
                return new Failure("malformed", $"bad track '{last}'");
            track = t;
            decoded = slash < 0 ? "" : decoded[..slash];
            if (decoded.Length == 0) return new Failure("not-found", "request URI names no stream");
        }
        return new RtspRequestTarget(decoded, track);
    }
}
