using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Chooses the RTP transport of a camera's next session. A fixed choice (per-camera override, or a fixed
/// <c>defaultTransport</c>) is never changed. Automatic: start with what worked last (else TCP interleaved); a
/// refused SETUP (461 Unsupported transport, another refusal, an answer with the other transport) switches to
/// the other transport, and so does a UDP session that plays but receives no RTP (a firewall in between). The
/// switch is tried at once, once per round; when both transports failed in a round the caller backs off.
/// Not thread-safe: used by the one pull loop of a camera.
/// </summary>
internal sealed class TransportSelector
{
    private readonly bool _fixed;
    private string? _failedOther;
    private string? _note;

    public TransportSelector(RtspTransportMode? fixedMode, RtspTransportMode? learnt)
    {
        _fixed = fixedMode is not null;
        Current = fixedMode ?? learnt ?? RtspTransportMode.Tcp;
    }

    public RtspTransportMode Current { get; private set; }

    public bool IsAutomatic => !_fixed;

    /// <summary>What health shows: <c>tcp</c>/<c>udp</c> when fixed, <c>udp (auto, TCP refused)</c> when learnt.</summary>
    public string Label => _fixed ? Name(Current) : $"{Name(Current)} (auto{(_note is null ? "" : ", " + _note)})";

    /// <summary>
    /// A session ended. Returns true when the other transport should be tried at once (no backoff);
    /// <paramref name="error"/> is what health should say (both transports' refusals once both failed).
    /// </summary>
    public bool OnSessionEnded(RtspPullOutcome outcome, out string error)
    {
        error = outcome.Message;
        if (_fixed) return false;
        var transportFailure = outcome.End == RtspPullEnd.TransportRefused ||
            outcome.End == RtspPullEnd.NoMediaAfterPlay && Current == RtspTransportMode.Udp;
        if (!transportFailure)
        {
            _failedOther = null;
            return false;
        }
        if (_failedOther is not null)
        {
            // Both failed in this round: say so, back off, and start the next round with the other one again.
            error = $"{_failedOther}; {outcome.Message}";
            _failedOther = null;
            Current = Other(Current);
            return false;
        }
        _failedOther = outcome.Message;
        _note = $"{Upper(Current)} {(outcome.End == RtspPullEnd.NoMediaAfterPlay ? "gave no media" : "refused")}";
        Current = Other(Current);
        return true;
    }

    /// <summary>Media arrived: the current transport works. Returns it when it should be remembered (automatic only).</summary>
    public RtspTransportMode? OnMedia()
    {
        _failedOther = null;
        return _fixed ? null : Current;
    }

    public static string Name(RtspTransportMode mode) => mode == RtspTransportMode.Udp ? "udp" : "tcp";

    private static string Upper(RtspTransportMode mode) => mode == RtspTransportMode.Udp ? "UDP" : "TCP";

    private static RtspTransportMode Other(RtspTransportMode mode) => mode == RtspTransportMode.Udp ? RtspTransportMode.Tcp : RtspTransportMode.Udp;
}
