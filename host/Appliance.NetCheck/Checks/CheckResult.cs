namespace Appliance.NetCheck.Checks;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>
/// One line of the doctor's report. <paramref name="LatencyMs"/> is the measured time of the check's core
/// operation (null when nothing was measured); <paramref name="Remediation"/> names the port and protocol to fix
/// and is null on a pass.
/// </summary>
public sealed record CheckResult(string Name, string Target, CheckStatus Status, double? LatencyMs, string Detail, string? Remediation)
{
    /// <summary>
    /// True when only optional features need the target (e.g. the cloud link): a failure here leaves the appliance
    /// working, so reports may show it as a warning. Set by the caller that knows why the target is checked.
    /// </summary>
    public bool Optional { get; init; }
}

/// <summary>A check for one target. Expected network failures come back as a Fail result, never as an exception.</summary>
public interface INetworkCheck
{
    string Name { get; }

    string Target { get; }

    /// <summary>The sentence used when the check does not finish within its timeout.</summary>
    string TimeoutRemediation { get; }

    Task<CheckResult> RunAsync(CancellationToken cancellationToken);
}

/// <summary>Check names as they appear in results (stable: the portal and appliancectl group by them).</summary>
public static class CheckNames
{
    public const string Dns = "dns";
    public const string Tls = "tls";
    public const string TcpTarget = "tcp-target";
    public const string Stun = "stun-nat";
    public const string Ntp = "ntp";
    public const string ProxyConnect = "proxy-connect";
    public const string ContentFilter = "content-filter";
    public const string Rtsp = "camera-rtsp";
    public const string Onvif = "camera-onvif";
}
