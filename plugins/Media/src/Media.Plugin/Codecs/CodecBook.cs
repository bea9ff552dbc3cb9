using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Plugin.Codecs;

/// <summary>
/// The probe results and the codec in use per format and direction. A codec that fails at run time is marked
/// failed; the next choice skips it (down to software) and health says so. Thread-safe.
/// </summary>
internal sealed class CodecBook
{
    private readonly object _gate = new();
    private readonly IReadOnlyList<ProbeOutcome> _probes;
    private readonly CodecPolicy _policy;
    private readonly IHealthReporter _health;
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = new();

    public CodecBook(IReadOnlyList<ProbeOutcome> probes, CodecPolicy policy, IHealthReporter health)
    {
        _probes = probes;
        _policy = policy;
        _health = health;
        ReportHealth();
    }

    public Result<CodecChoice> Choose(VideoFormat format, CodecDirection direction)
    {
        lock (_gate) return CodecSelector.Choose(format, direction, _probes, _policy, _failed);
    }

    /// <summary>Marks <paramref name="candidate"/> failed at run time (a software codec failing is the stream's
    /// problem, not the codec's, so it is never marked).</summary>
    public void ReportRuntimeFailure(CodecCandidate candidate, Failure failure)
    {
        if (candidate.Path == CodecPath.Software) return;
        lock (_gate)
        {
            if (!_failed.Add(candidate.FFmpegName)) return;
            _warnings.Add($"{candidate} failed at run time ({failure.Message}); falling back");
        }
        ReportHealth();
    }

    /// <summary>What was chosen and why, per format and direction, as JSON (route <c>codecs</c>, portal page).</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var choices = Pairs().Select(p =>
            {
                var choice = CodecSelector.Choose(p.Format, p.Direction, _probes, _policy, _failed);
                return new
                {
                    format = p.Format.ToString(),
                    direction = p.Direction.ToString().ToLowerInvariant(),
                    chosen = choice.IsOk ? choice.Value.Chosen.FFmpegName : null,
                    path = choice.IsOk ? choice.Value.Chosen.Path.ToString() : null,
                    reason = choice.IsOk ? choice.Value.Reason : choice.Failure!.Message,
                    passedOver = choice.IsOk ? choice.Value.PassedOver : [],
                };
            });
            return JsonSerializer.Serialize(new
            {
                policy = _policy.ToString(),
                choices,
                warnings = _warnings,
                probes = _probes.Select(p => new { codec = p.Candidate.FFmpegName, device = p.Candidate.HardwareDevice, path = p.Candidate.Path.ToString(), direction = p.Candidate.Direction.ToString().ToLowerInvariant(), opened = p.Opened, error = p.Error }),
            }, new JsonSerializerOptions { WriteIndented = true });
        }
    }

    private static IEnumerable<(VideoFormat Format, CodecDirection Direction)> Pairs() =>
    [
        (VideoFormat.H264, CodecDirection.Decode), (VideoFormat.H265, CodecDirection.Decode),
        (VideoFormat.H264, CodecDirection.Encode), (VideoFormat.Jpeg, CodecDirection.Encode),
    ];

    private void ReportHealth()
    {
        string summary;
        bool warn;
        lock (_gate)
        {
            var parts = Pairs().Select(p =>
            {
                var c = CodecSelector.Choose(p.Format, p.Direction, _probes, _policy, _failed);
                return c.IsOk ? $"{p.Format} {p.Direction.ToString().ToLowerInvariant()}: {c.Value.Chosen} ({c.Value.Reason})" : $"{p.Format} {p.Direction.ToString().ToLowerInvariant()}: none ({c.Failure!.Message})";
            });
            summary = string.Join("; ", parts);
            warn = _warnings.Count > 0;
            if (warn) summary = string.Join("; ", _warnings) + " | " + summary;
        }
        _health.Report("codecs", warn ? HealthState.Degraded : HealthState.Healthy, summary);
    }
}
