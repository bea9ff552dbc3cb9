using System.Text.RegularExpressions;
using Appliance.Abstractions;
using Appliance.NetCheck.Checks;

namespace Appliance.Host.Cameras;

/// <summary>
/// A failed stream probe in the appliance's words: what went wrong and what to do. As with
/// <see cref="CameraTestWording"/>, nothing the remote server said is echoed (no reason phrases), and a port that
/// refuses, stays silent or speaks something other than RTSP reads the same; the RTSP status code of the step that
/// failed is named (it is what ingest reports, e.g. <c>DESCRIBE: 404 Not Found</c>).
/// </summary>
public static partial class CameraProbeWording
{
    public static (string Reason, string? Remediation) Explain(Failure failure)
    {
        var status = StepStatus().Match(failure.Message) is { Success: true } m ? $"{m.Groups["step"].Value} answered {m.Groups["code"].Value}" : null;
        return failure.Code switch
        {
            "auth" => ($"The camera refused the user name and password{(status is null ? "" : $" ({status})")}.",
                "Enter the user name and password the camera's own web page accepts."),
            "path" => ($"The camera has no stream at this path ({status ?? "DESCRIBE failed"}).",
                "Check the path after the address (e.g. /stream1): the camera's manual or its ONVIF profiles name it."),
            "busy" => ($"The camera is busy: it answered 503 Service Unavailable to every try{(status is null ? "" : $" ({status})")}.",
                "Close other viewers of the camera (it may allow only a few RTSP clients), or try again when its stream is up."),
            "transport" => ($"The camera refused to set up the stream{(status is null ? " over the transport asked for" : $" ({status})")}.",
                "Set the camera's RTP transport to TCP or UDP (overrides.rtspTransport), or allow RTP over UDP from the camera."),
            "codec" => ("The camera's stream has no video the appliance can use (H.264 or H.265).",
                "Set the camera's video encoder to H.264 or H.265."),
            "no-keyframe" => ($"The stream started, but no video keyframe arrived within {CameraProbe.ProbeTime.TotalSeconds:0} s.",
                "Check the camera's encoder (keyframe interval at most a few seconds) and that RTP from the camera is not blocked."),
            "invalid-url" => ("The stream address is not an rtsp:// URL the appliance can use.", "Enter the address as rtsp://host[:port]/path."),
            CameraProbe.Unavailable => ("The stream was not proven: the RTSP ingest plugin is not running.", "Start the RTSP ingest plugin (Plugins page)."),
            CameraProbe.Failed => ("The stream could not be proven: the RTSP ingest plugin failed the probe.", "Try again; the plugin's health says more."),
            _ => ("No RTSP camera answered at this address.",
                "Check the camera's address and port, that it is powered and on the camera network, and that its RTSP port is allowed from the appliance."),
        };
    }

    /// <summary>The name of the camera test's row for the stream probe.</summary>
    public const string CheckName = "camera-stream";

    /// <summary>The probe as a row of the camera test: Pass with the facts, Warn when not proven (no RTSP plugin), else Fail with the reason.</summary>
    public static CheckResult Check(CameraInfo camera, Result<StreamProof> proof, double latencyMs)
    {
        var target = $"{camera.Name} {camera.StreamUri}";
        if (proof.TryGetValue(out var facts, out var failure))
            return new CheckResult(CheckName, target, CheckStatus.Pass, latencyMs, $"The stream plays: {facts.Summary}.", null);
        var (reason, remediation) = Explain(failure);
        return new CheckResult(CheckName, target, failure.Code == CameraProbe.Unavailable ? CheckStatus.Warn : CheckStatus.Fail, latencyMs, reason, remediation);
    }

    /// <summary>One line for a refusal: the reason, then what to do.</summary>
    public static string Sentence(Failure failure)
    {
        var (reason, remediation) = Explain(failure);
        return remediation is null ? reason : $"{reason} {remediation}";
    }

    [GeneratedRegex(@"^(?<step>OPTIONS|DESCRIBE|SETUP|PLAY)\b[^:]*: (?<code>\d{3})\b")]
    private static partial Regex StepStatus();
}
