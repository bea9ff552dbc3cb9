using Appliance.Abstractions;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Pull on demand (sub streams): the first pull runs at start so the hub learns the stream's tracks (a transport
/// switch inside it is part of it), later sessions start only while <c>camera/{id}/sub</c> has a subscriber. A session
/// ends <see cref="RtspPluginSettings.SubStreamIdle"/> after the last subscriber left, counted from its first media:
/// one still connecting ends by its own timeouts with an error of its own, never as "idle" with nothing said.
/// The hub publisher (and so the stream's descriptor) stays across idle periods.
/// </summary>
internal sealed partial class CameraPull
{
    private static readonly TimeSpan DemandPoll = TimeSpan.FromMilliseconds(250);
    private bool _probed;
    private bool _resumeAfterIdle;

    /// <summary>Returns at once for a main stream and for the first session of a sub stream; else waits for a subscriber.</summary>
    private async Task WaitForDemandAsync(CancellationToken ct)
    {
        if (!Target.IsSub || !_probed) return;
        while (_context.Streams.SubscriberCount(StreamName) == 0)
            await Task.Delay(DemandPoll, _context.Time, ct).ConfigureAwait(false);
        _context.Logger.Info("camera {Camera}: {Stream} has a subscriber; pulling it", Camera.Id, StreamName);
    }

    /// <summary>Cancels <paramref name="session"/> once the stream has had no subscriber for the idle time; true if it did.</summary>
    private async Task<bool> StopWhenUnwatchedAsync(CancellationTokenSource session)
    {
        var lastWatched = _context.Time.GetUtcNow();
        try
        {
            while (true)
            {
                await Task.Delay(DemandPoll, _context.Time, session.Token).ConfigureAwait(false);
                var now = _context.Time.GetUtcNow();
                bool playing;
                lock (_gate) playing = _mediaThisSession;
                if (!playing || _context.Streams.SubscriberCount(StreamName) > 0) lastWatched = now;
                else if (now - lastWatched >= _settings.SubStreamIdle)
                {
                    session.Cancel();
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The first pull of a sub stream is over (it played, failed or went idle): later ones wait for a subscriber.</summary>
    private void FirstPullOver() => _probed = true;

    /// <summary>The session ended for want of a subscriber: healthy and idle, no reconnect counted, timestamps continue later.</summary>
    private void WentIdle()
    {
        lock (_gate)
        {
            _state = "idle";
            _lastError = null;
            _resumeAfterIdle = _lastUnitAt != default;
        }
        _backoff.Reset();
        _context.Logger.Info("camera {Camera}: {Stream} has had no subscriber for {Seconds} s; pull stopped", Camera.Id, StreamName, _settings.SubStreamIdle.TotalSeconds);
        ReportHealth();
    }
}
