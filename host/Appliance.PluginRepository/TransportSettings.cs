namespace Appliance.PluginRepository;

/// <summary>
/// How the appliance reaches its repository: an optional HTTP/1.1 proxy (HTTPS goes through CONNECT) with optional
/// basic auth, an extra CA to trust (a site's own CA; tests), a bandwidth limit, and time limits: <see cref="Timeout"/>
/// for an answer's head and for the whole index, <see cref="Stall"/> for a download that stops moving.
/// </summary>
public sealed record TransportSettings
{
    /// <summary>The proxy, e.g. <c>http://proxy.site:3128</c>; null: direct.</summary>
    public Uri? Proxy { get; init; }

    public string? ProxyUser { get; init; }

    public string? ProxyPassword { get; init; }

    /// <summary>A PEM file of CA certificates trusted besides the system's.</summary>
    public string? TrustedCaFile { get; init; }

    /// <summary>Bytes per second for downloads; 0: no limit.</summary>
    public long BytesPerSecond { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Plain HTTP (port 80) is refused unless a mirror is configured to need it.</summary>
    public bool AllowPlainHttp { get; init; }
}
