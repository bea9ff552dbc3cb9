using Appliance.NetCheck.Checks;

namespace Appliance.Host.Cameras;

/// <summary>
/// What the camera test tells a user, in the appliance's own words. A camera test can be aimed at any host
/// and port (an operator types the address), so it must not become a scanner or a mirror: every failure reads
/// the same (a refused port and a silent one are not told apart, nor an open port that speaks something else),
/// and nothing a remote server said (reason phrases, SOAP faults, error text) is echoed.
/// </summary>
public static class CameraTestWording
{
    public static IReadOnlyList<CheckResult> Reword(IReadOnlyList<CheckResult> results) => results.Select(Reword).ToList();

    public static CheckResult Reword(CheckResult result)
    {
        if (result.Name is not (CheckNames.Rtsp or CheckNames.Onvif))
            return result with
            {
                Detail = result.Status == CheckStatus.Pass ? "The camera's address was found." : "The camera's address could not be looked up or reached.",
                Remediation = result.Status == CheckStatus.Pass ? null : "Check the camera's host name and the appliance's DNS settings.",
            };
        var (what, port) = result.Name switch
        {
            CheckNames.Rtsp => ("RTSP stream", "the stream's TCP port"),
            _ => ("ONVIF service", "the ONVIF service's TCP port"),
        };
        var detail = result.Status switch
        {
            CheckStatus.Pass => $"The camera's {what} answered.",
            CheckStatus.Warn when result.Detail.Contains("skew", StringComparison.Ordinal) => $"The camera's {what} answered, but its clock is off.",
            CheckStatus.Warn => $"The camera's {what} answered and asks for a user name and password.",
            _ => $"No camera {what} answered at this address.",
        };
        var remediation = result.Status switch
        {
            CheckStatus.Pass => null,
            CheckStatus.Warn when result.Detail.Contains("skew", StringComparison.Ordinal) =>
                "Set the camera's clock to NTP (UDP 123) against the appliance or the site's time server.",
            CheckStatus.Warn => "Enter the camera's user name and password.",
            _ => $"Check the camera's address and port, that it is powered and on the camera network, and that {port} (TCP {PortOf(result)}) is allowed from the appliance.",
        };
        return result with { Detail = detail, Remediation = remediation };
    }

    private static string PortOf(CheckResult result)
    {
        var uriText = result.Target.Split(' ').LastOrDefault() ?? "";
        if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri)) return "?";
        return uri.Port > 0 ? uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : uri.Scheme switch
        {
            "rtsp" => "554",
            "rtsps" => "322",
            "https" => "443",
            _ => "80",
        };
    }
}
