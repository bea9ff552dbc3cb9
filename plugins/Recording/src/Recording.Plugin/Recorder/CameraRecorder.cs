using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Plugin.Recorder;

/// <summary>
/// Records one camera's hub stream (<c>camera/{id}</c>) without re-encoding: continuously, or in event mode from its own
/// pre-event buffer through <see cref="Trigger"/>'s post-event window. A segment starts on a keyframe and closes at the
/// first keyframe after the segment length, after a gap in the stream, or when the event window ends. A disk that
/// refuses a write closes the segment at its last whole frame and recording resumes at a later keyframe.
/// </summary>
internal sealed class CameraRecorder(string camera, RecordingSettings settings, SegmentStore store, IStreamHub hub, TimeProvider time,
    IHealthReporter health, Action segmentClosed)
{
    private static readonly TimeSpan DiskRetry = TimeSpan.FromSeconds(5);
    private readonly PreEventBuffer _buffer = new(settings.PreEvent);
    private readonly long _segmentUs = (long)(settings.SegmentLength.TotalMilliseconds * 1000);
    private long _recordUntilUs;
    private long _openBytes;
    private long _framesWritten;
    private (long Id, SegmentWriter Writer, long StartUs, long LastUs)? _segment;
    private ParameterSets? _parameters;
    private long _diskRetryAtUs;

    public string Camera => camera;

    /// <summary>Bytes of the segment being written now (counted against the budgets).</summary>
    public long OpenBytes => Interlocked.Read(ref _openBytes);

    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    /// <summary>Event mode: keep recording until <paramref name="atUs"/> plus the post-event time (the pre-event buffer goes first).</summary>
    public void Trigger(long atUs)
    {
        var until = atUs + (long)(settings.PostEvent.TotalMilliseconds * 1000);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _recordUntilUs);
            if (until <= seen) return;
        } while (Interlocked.CompareExchange(ref _recordUntilUs, until, seen) != seen);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe($"camera/{camera}");
        try
        {
            while (true)
            {
                var unit = await subscription.ReadAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    Handle(unit, subscription.Descriptor);
                }
                finally
                {
                    unit.Release();
                }
            }
        }
        finally
        {
            Close();
        }
    }

    private void Handle(AccessUnit unit, StreamDescriptor? descriptor)
    {
        var track = descriptor?.Tracks.FirstOrDefault(t => t.Index == unit.Track);
        if (track is null || VideoCodecs.From(track.Codec) is not { IsOk: true } codec) return;
        if (_parameters is null || _parameters.Codec != codec.Value)
        {
            Close();
            _buffer.Clear();
            _parameters = new ParameterSets(codec.Value);
        }
        _parameters.Remember(track.Parameters);
        var arrivalUs = unit.CaptureTimeUnixMicroseconds != 0 ? unit.CaptureTimeUnixMicroseconds : NowUs();
        var pts90k = track.ClockRate == 90_000 ? unit.Timestamp : (long)((Int128)unit.Timestamp * 90_000 / Math.Max(1, track.ClockRate));
        if (unit.AfterGap)
        {
            Close();
            _buffer.Clear();
        }
        var payload = unit.Payload.Span;
        if (settings.Mode == RecordingMode.Continuous)
        {
            Write(payload, pts90k, unit.IsKeyframe, arrivalUs);
            return;
        }
        if (arrivalUs <= Interlocked.Read(ref _recordUntilUs) || NowUs() <= Interlocked.Read(ref _recordUntilUs))
        {
            if (_segment is null)
                foreach (var b in _buffer.Drain())
                    Write(b.Data, b.Pts90k, b.Keyframe, b.ArrivalUs);
            Write(payload, pts90k, unit.IsKeyframe, arrivalUs);
            return;
        }
        Close();
        _buffer.Add(new BufferedUnit(payload.ToArray(), pts90k, unit.IsKeyframe, arrivalUs));
    }

    private void Write(ReadOnlySpan<byte> payload, long pts90k, bool keyframe, long arrivalUs)
    {
        if (_segment is { } open && keyframe && arrivalUs - open.StartUs >= _segmentUs) Close();
        if (_segment is null)
        {
            if (!keyframe || arrivalUs < _diskRetryAtUs) return;
            var opened = store.Open(camera, arrivalUs, Protocol.Ts.TsLayout.StreamPts(pts90k), _parameters!);
            if (!opened.IsOk)
            {
                DiskFailed(opened.Failure!.Message, arrivalUs);
                return;
            }
            _segment = (opened.Value.Id, opened.Value.Writer, arrivalUs, arrivalUs);
        }
        var s = _segment.Value;
        var written = s.Writer.Write(payload, pts90k, keyframe);
        if (!written.IsOk)
        {
            DiskFailed(written.Failure!.Message, arrivalUs);
            Close(damaged: true);
            return;
        }
        if (!written.Value) return;
        _segment = s with { LastUs = arrivalUs };
        Interlocked.Exchange(ref _openBytes, s.Writer.Length);
        Interlocked.Increment(ref _framesWritten);
        if (keyframe)
        {
            store.Index.UpdateSegment(s.Id, arrivalUs, s.Writer.LastPts, s.Writer.Length, s.Writer.Frames, open: true);
            health.Report($"camera/{camera}", HealthState.Healthy, $"recording ({settings.Mode.ToString().ToLowerInvariant()})");
        }
    }

    private void DiskFailed(string message, long arrivalUs)
    {
        _diskRetryAtUs = arrivalUs + (long)(DiskRetry.TotalMilliseconds * 1000);
        health.Report($"camera/{camera}", HealthState.Unhealthy, $"cannot write: {message}");
    }

    /// <summary>
    /// Ends the open segment: flushed to disk, its extent in the index. After a refused write (<paramref name="damaged"/>)
    /// the file is cut back to its whole frames first; a segment left with no whole frame is dropped.
    /// </summary>
    private void Close(bool damaged = false)
    {
        if (_segment is not { } s) return;
        _segment = null;
        Interlocked.Exchange(ref _openBytes, 0);
        var frames = s.Writer.Frames;
        var figures = new SegmentExtent(s.Writer.Length, frames, s.Writer.Keyframes, s.Writer.FirstPts, s.Writer.LastPts);
        s.Writer.Dispose();
        var path = s.Writer.Path;
        var extent = damaged ? SegmentRecovery.RecoverFile(path) : figures;
        if (frames == 0 || !extent.IsOk)
        {
            store.Index.DeleteSegment(s.Id);
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // An orphan file is deleted at the next start.
            }
        }
        else
        {
            store.Index.UpdateSegment(s.Id, s.LastUs, extent.Value.LastPts, extent.Value.Length, extent.Value.Frames, open: false);
        }
        segmentClosed();
    }

    private long NowUs() => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
}
