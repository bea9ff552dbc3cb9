using System.Net;
using System.Net.Sockets;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>How the simulated camera behaves.</summary>
public sealed record SimulatorOptions
{
    public string Username { get; init; } = "admin";
    public string Password { get; init; } = "camera-secret";

    /// <summary>Demand HTTP Digest (RFC 7616, MD5, qop=auth) on every non-PRE_AUTH call instead of WS-Security.</summary>
    public bool RequireHttpDigest { get; init; }

    /// <summary>The camera's clock runs this far from ours; UsernameTokens must be stamped with the camera's time.</summary>
    public TimeSpan ClockOffset { get; init; }

    /// <summary>How far a UsernameToken's Created may be from the camera's clock.</summary>
    public TimeSpan AllowedSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What GetStreamUri answers (e.g. the URL of a GStreamer RTSP server started by the test).</summary>
    public string StreamUri { get; init; } = "rtsp://127.0.0.1:8554/stream";

    /// <summary>What GetStreamUri answers for the second profile (<c>profile_sub</c>); null: <see cref="StreamUri"/>.</summary>
    public string? SubStreamUri { get; init; }

    /// <summary>Advertise and serve Media2 (ver20) next to Media (ver10).</summary>
    public bool Media2 { get; init; } = true;

    public string Manufacturer { get; init; } = "Appliance Test";
    public string Model { get; init; } = "SimCam-100";
    public string Hardware { get; init; } = "SimCam-100";
    public string Name { get; init; } = "Simulated Camera";
    public string Location { get; init; } = "Test Lab";
    public string EndpointReference { get; init; } = "urn:uuid:" + Guid.NewGuid().ToString("D");

    /// <summary>Address to listen on (loopback by default, port chosen by the system).</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>A hostile event source: every PullMessages answers at once with this many notifications (0: behave).</summary>
    public int EventFloodPerPull { get; init; }

    /// <summary>WS-Discovery: ProbeMatches and Hello leave XAddrs out; the camera answers a Resolve for its endpoint reference with them.</summary>
    public bool XAddrsOnlyOnResolve { get; init; }

    /// <summary>Serve HTTPS with this certificate (e.g. a self-signed one) instead of HTTP.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>The TCP port to listen on (0: chosen by the system), e.g. to come back on the same address with another certificate.</summary>
    public int Port { get; init; }

    /// <summary>An already listening TCP socket to serve on instead (e.g. created inside a network namespace).</summary>
    public Socket? ListenSocket { get; init; }
}
