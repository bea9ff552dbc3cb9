using System.Globalization;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Protocol.Probing;

/// <summary>
/// Proves that a camera's stream plays: the ingest's own <see cref="RtspPullSession"/> runs OPTIONS, DESCRIBE,
/// SETUP and PLAY, then waits for a keyframe of the video track, all within one bounded time. The answer is the
/// stream's facts (<see cref="StreamFacts"/>) or a failure whose code (<see cref="StreamProbeFailure"/>) names
/// the reason: credentials, path, transport, codec, no keyframe, or nothing RTSP answering. Never throws on what a
/// server sends; the session is torn down before the answer is returned.
/// </summary>
public static class RtspStreamProbe
{
    /// <summary>Runs one probe. <paramref name="timeout"/> bounds the whole probe, connect to keyframe.</summary>
    public static async Task<Result<StreamFacts>> RunAsync(RtspPullOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = new KeyframeWatch();
        var session = new RtspPullSession(options with
        {
            ConnectTimeout = Min(options.ConnectTimeout, timeout),
            RequestTimeout = Min(options.RequestTimeout, timeout),
            MediaTimeout = timeout,
            FirstMediaTimeout = timeout,
        }, watch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = session.RunAsync(stop.Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var expired = Task.Delay(timeout, options.Time, deadline.Token);
        await Task.WhenAny(watch.Done, run, expired).ConfigureAwait(false);
        await deadline.CancelAsync().ConfigureAwait(false);
        var packets = session.Snapshot().Sum(t => t.PacketsReceived);
        await stop.CancelAsync().ConfigureAwait(false);
        var outcome = await run.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return watch.Verdict(outcome, packets, timeout);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>How a session that ended (or was stopped) without a keyframe reads as a probe failure.</summary>
    internal static Failure Explain(RtspPullOutcome outcome, long packets, TimeSpan timeout)
    {
        var seconds = timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        return outcome.End switch
        {
            RtspPullEnd.Unauthorized => new Failure(StreamProbeFailure.Auth, outcome.Message),
            RtspPullEnd.InvalidUrl => new Failure(StreamProbeFailure.InvalidUrl, outcome.Message),
            RtspPullEnd.RequestFailed when outcome.Message.StartsWith("DESCRIBE", StringComparison.Ordinal) => new Failure(StreamProbeFailure.Path, outcome.Message),
            RtspPullEnd.RequestFailed or RtspPullEnd.TransportRefused => new Failure(StreamProbeFailure.Transport, outcome.Message),
            RtspPullEnd.NoTracks => new Failure(StreamProbeFailure.Codec, outcome.Message),
            _ when outcome.Played => new Failure(StreamProbeFailure.NoKeyframe,
                $"the stream played but no keyframe arrived within {seconds} s ({packets} RTP packets{(outcome.End == RtspPullEnd.Stopped ? "" : "; " + outcome.Message)})"),
            RtspPullEnd.Stopped => new Failure(StreamProbeFailure.Unreachable, $"no RTSP answer within {seconds} s"),
            _ => new Failure(StreamProbeFailure.Unreachable, outcome.Message),
        };
    }
}
