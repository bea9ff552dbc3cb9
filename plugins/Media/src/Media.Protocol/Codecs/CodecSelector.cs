namespace Appliance.Plugins.Media.Protocol.Codecs;

/// <summary>What probing one candidate found: it is in this FFmpeg build and really opened here, or why not.</summary>
public sealed record ProbeOutcome(CodecCandidate Candidate, bool Opened, string? Error = null);

/// <summary>The codec chosen for a format and direction, why, and why each better path was passed over.</summary>
public sealed record CodecChoice(CodecCandidate Chosen, string Reason, IReadOnlyList<string> PassedOver);

/// <summary>What the user allows: <see cref="Auto"/> takes the best path that opened; <see cref="SoftwareOnly"/>
/// never uses hardware.</summary>
public enum CodecPolicy { Auto, SoftwareOnly }

/// <summary>
/// The codec choice as a pure function over probe results: the most preferred candidate (by <see cref="CodecPath"/>)
/// that opened, was not disabled by policy and has not failed at run time. Total: no exceptions; when nothing is
/// usable the result says so.
/// </summary>
public static class CodecSelector
{
    /// <param name="probes">What the probe found (candidates not probed count as absent).</param>
    /// <param name="failedAtRuntime">FFmpeg names that opened at probe time but failed while running (fall back past them).</param>
    public static Appliance.Abstractions.Result<CodecChoice> Choose(
        VideoFormat format, CodecDirection direction, IReadOnlyCollection<ProbeOutcome> probes,
        CodecPolicy policy = CodecPolicy.Auto, IReadOnlyCollection<string>? failedAtRuntime = null)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var failed = failedAtRuntime ?? [];
        var passedOver = new List<string>();
        foreach (var candidate in CodecCandidates.For(format, direction))
        {
            var probe = probes.FirstOrDefault(p => p.Candidate == candidate);
            string? why = null;
            if (policy == CodecPolicy.SoftwareOnly && candidate.Path != CodecPath.Software) why = "hardware disabled by configuration";
            else if (probe is null) why = "not in this FFmpeg build";
            else if (!probe.Opened) why = $"did not open: {probe.Error ?? "unknown error"}";
            else if (failed.Contains(candidate.FFmpegName)) why = "failed at run time";
            if (why is null)
            {
                var reason = passedOver.Count == 0
                    ? $"{candidate.Path} is the most preferred path and {candidate.FFmpegName} opened"
                    : $"{candidate.FFmpegName} is the best path that opened ({passedOver.Count} preferred path(s) unusable)";
                return new CodecChoice(candidate, reason, passedOver);
            }
            passedOver.Add($"{candidate}: {why}");
        }
        return Appliance.Abstractions.Result<CodecChoice>.Fail("no-codec",
            $"no usable {direction.ToString().ToLowerInvariant()}r for {format}: {string.Join("; ", passedOver)}");
    }
}
