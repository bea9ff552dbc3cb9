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
    /// <summary>How long the probe waits before asking a camera again that answered 503 Service Unavailable.</summary>
    internal static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs one probe. <paramref name="timeout"/> bounds the whole probe, connect to keyframe. A camera that answers
    /// 503 Service Unavailable (busy, or its stream still being set up or torn down) is asked again after
    /// <see cref="BusyPause"/> while the time lasts; if it never stops, the answer is <see cref="StreamProbeFailure.Busy"/>.
    /// </summary>
    public static async Task<Result<StreamFacts>> RunAsync(RtspPullOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = options.Time;
        var started = time.GetTimestamp();
        while (true)
        {
            var left = timeout - time.GetElapsedTime(started);
            var (result, outcome) = await RunOnceAsync(options, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), timeout, cancellationToken)
                .ConfigureAwait(false);
            if (outcome is not { End: RtspPullEnd.RequestFailed, Status: 503 } || time.GetElapsedTime(started) + BusyPause >= timeout) return result;
            await Task.Delay(BusyPause, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One session within <paramref name="left"/>; failures are worded with the whole probe's <paramref name="timeout"/>.</summary>
    private static async Task<(Result<StreamFacts> Result, RtspPullOutcome Outcome)> RunOnceAsync(RtspPullOptions options, TimeSpan left,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = new KeyframeWatch();
        var session = new RtspPullSession(options with
        {
            ConnectTimeout = Min(options.ConnectTimeout, left),
            RequestTimeout = Min(options.RequestTimeout, left),
            MediaTimeout = left,
            FirstMediaTimeout = left,
        }, watch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = session.RunAsync(stop.Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var expired = Task.Delay(left, options.Time, deadline.Token);
        await Task.WhenAny(watch.Done, run, expired).ConfigureAwait(false);
        await deadline.CancelAsync().ConfigureAwait(false);
        var packets = session.Snapshot().Sum(t => t.PacketsReceived);
        await stop.CancelAsync().ConfigureAwait(false);
        var outcome = await run.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return (watch.Verdict(outcome, packets, timeout), outcome);
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
            RtspPullEnd.RequestFailed when outcome.Status == 503 => new Failure(StreamProbeFailure.Busy, outcome.Message),
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
