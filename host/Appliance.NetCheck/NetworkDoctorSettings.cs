using System.Net;
using Appliance.NetCheck.Checks;

namespace Appliance.NetCheck;

/// <summary>The endless streamed test URL and how long to watch it.</summary>
public sealed record ContentFilterSettings(Uri Url, TimeSpan Window);

/// <summary>
/// What the network doctor checks. Everything optional is skipped when null/empty. Defaults follow the issue:
/// per-check timeout 15 s, NTP warns above 1 s offset, camera clocks warn above 10 s skew.
/// </summary>
public sealed record NetworkDoctorSettings
{
    /// <summary>Every FQDN the appliance needs (from the generated network requirements). "*.x" entries give a warning.</summary>
    public IReadOnlyList<string> Fqdns { get; init; } = [];

    /// <summary>DNS server to query (UDP/TCP 53). Null: the system's configured resolvers.</summary>
    public IPEndPoint? DnsServer { get; init; }

    public IReadOnlyList<CloudEndpoint> CloudEndpoints { get; init; } = [];

    /// <summary>Peers reached over plain TCP (a plugin's configured targets): each gets a TCP connect check.</summary>
    public IReadOnlyList<TcpTarget> TcpTargets { get; init; } = [];

    /// <summary>STUN server, UDP (3478).</summary>
    public HostPort? StunServer { get; init; }

    /// <summary>NTP server, UDP (123).</summary>
    public HostPort? NtpServer { get; init; }

    /// <summary>HTTP/1.1 proxy. When set, a CONNECT check runs for every cloud endpoint and the content-filter test goes through it.</summary>
    public HostPort? Proxy { get; init; }

    public ContentFilterSettings? ContentFilter { get; init; }

    public IReadOnlyList<CameraTarget> Cameras { get; init; } = [];

    public TimeSpan PerCheckTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan NtpWarnOffset { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan CameraClockWarnSkew { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many checks run at once (a site with 64 cameras should not open 128 connections at once).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Every problem with the settings, each naming its field; empty when the doctor can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Fqdns.Count; i++)
        {
            var name = Fqdns[i] ?? string.Empty;
            if (!HostNames.IsValid(name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name))
            {
                errors.Add($"fqdns[{i}]: '{HostNames.Printable(name)}' is not a host name");
            }
        }

        for (var i = 0; i < CloudEndpoints.Count; i++)
        {
            Endpoint(errors, $"cloudEndpoints[{i}]", CloudEndpoints[i].Host, CloudEndpoints[i].Port);
        }

        for (var i = 0; i < TcpTargets.Count; i++)
        {
            Endpoint(errors, $"tcpTargets[{i}]", TcpTargets[i].Host, TcpTargets[i].Port);
        }

        if (StunServer is { } stun)
        {
            Endpoint(errors, "stunServer", stun.Host, stun.Port);
        }

        if (NtpServer is { } ntp)
        {
            Endpoint(errors, "ntpServer", ntp.Host, ntp.Port);
        }

        if (Proxy is { } proxy)
        {
            Endpoint(errors, "proxy", proxy.Host, proxy.Port);
        }

        if (ContentFilter is { } filter)
        {
            if (!filter.Url.IsAbsoluteUri || filter.Url.Scheme is not ("http" or "https"))
            {
                errors.Add($"contentFilter.url: '{filter.Url}' is not an absolute http(s) URL");
            }

            if (filter.Window <= TimeSpan.Zero || filter.Window >= PerCheckTimeout)
            {
                errors.Add($"contentFilter.window: {filter.Window.TotalSeconds} s must be above 0 and below perCheckTimeout ({PerCheckTimeout.TotalSeconds} s)");
            }
        }

        for (var i = 0; i < Cameras.Count; i++)
        {
            var camera = Cameras[i];
            if (camera.Rtsp is { } rtsp && (!rtsp.IsAbsoluteUri || rtsp.Scheme != "rtsp" || !IsHost(rtsp.Host)))
            {
                errors.Add($"cameras[{i}].rtsp: '{rtsp}' is not an rtsp:// URI with a host");
            }

            if (camera.Onvif is { } onvif && (!onvif.IsAbsoluteUri || onvif.Scheme is not ("http" or "https") || !IsHost(onvif.Host)))
            {
                errors.Add($"cameras[{i}].onvif: '{onvif}' is not an http(s):// device service URI");
            }
        }

        if (PerCheckTimeout <= TimeSpan.Zero)
        {
            errors.Add("perCheckTimeout: must be above 0");
        }

        if (MaxConcurrency < 1)
        {
            errors.Add("maxConcurrency: must be at least 1");
        }

        return errors;
    }

    private static void Endpoint(List<string> errors, string path, string host, int port)
    {
        if (!IsHost(host))
        {
            errors.Add($"{path}.host: '{HostNames.Printable(host ?? string.Empty)}' is not a host name or IP address");
        }

        if (port is < 1 or > 65535)
        {
            errors.Add($"{path}.port: {port} is not between 1 and 65535");
        }
    }

    private static bool IsHost(string? host)
        => !string.IsNullOrEmpty(host) && (IPAddress.TryParse(host.Trim('[', ']'), out _) || HostNames.IsValid(host));
}
