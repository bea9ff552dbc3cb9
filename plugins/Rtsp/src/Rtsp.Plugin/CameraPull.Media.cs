using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>The session observer side of a camera pull (receive threads) and its health reporting.</summary>
internal sealed partial class CameraPull
{
    public void OnPlaying(RtspPullDescription description)
    {
        lock (_gate)
        {
            _tracks = description.Tracks;
            _transport = description.Transport;
            foreach (var t in description.Tracks)
                if (!_parameters.ContainsKey(t.Index) || t.Parameters.Count > 0) _parameters[t.Index] = t.Parameters;
            _state = "playing";
            PublishDescriptorLocked();
        }
        _meter.OnSessionStart();
        foreach (var note in description.Notes) _context.Logger.Info("camera {Camera}: {Note}", Camera.Id, note);
        ReportHealth();
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        IStreamPublisher? publisher;
        StreamGapOccurred? gap = null;
        RtspTransportMode? works = null;
        var cameOnline = false;
        lock (_gate)
        {
            publisher = _publisher;
            var now = _context.Time.GetUtcNow();
            unit.CaptureTimeUnixMicroseconds = (now.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
            if (!_mediaThisSession)
            {
                // Online means media, not just a PLAY answer (a UDP path may be blocked behind it).
                _mediaThisSession = true;
                works = _selector.OnMedia();
                _transportLabel = _selector.Label;
                cameOnline = _online != true;
                _online = true;
            }
            if (_gapFrom is { } from)
            {
                gap = new StreamGapOccurred(Camera.Id, from, now, _gapReason ?? "stream interrupted", _gapAttempts + 1);
                _gapFrom = null;
                _gapReason = null;
            }
            _lastUnitAt = now;
        }
        if (cameOnline) _events?.Enqueue(new CameraWentOnline(Camera.Id, Target.Uri));
        if (works is { } mode) _learnt.Set(Target.Key(Camera), Target.Uri, mode);
        if (gap is not null)
        {
            _context.Logger.Info("camera {Camera}: stream resumed after {Seconds} s", Camera.Id, Math.Round((gap.Until!.Value - gap.From).TotalSeconds, 1));
            _events?.Enqueue(gap);
        }
        _meter.OnUnit(track.IsVideo, track.ClockRate, unit.Timestamp, unit.Length, unit.IsKeyframe);
        if (publisher is null)
        {
            unit.Release();
            return;
        }
        try
        {
            publisher.Write(unit);
        }
        catch (ObjectDisposedException)
        {
            // Stopping: the publisher went away while this unit was on its way (Write released it).
        }
    }

    public void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters)
    {
        lock (_gate)
        {
            _parameters[track.Index] = parameters;
            PublishDescriptorLocked();
        }
    }

    private void PublishDescriptorLocked()
    {
        var descriptor = new StreamDescriptor(StreamName, _tracks.Select(t => t.ToMediaTrack(_parameters.GetValueOrDefault(t.Index, t.Parameters))).ToList());
        _codec = string.Join(" + ", _tracks.Select(t => Describe(t, _parameters.GetValueOrDefault(t.Index, t.Parameters))));
        _video = _tracks.Select(t => VideoOf(t, _parameters.GetValueOrDefault(t.Index, t.Parameters))).FirstOrDefault(v => v is not null);
        if (_publisher is not null)
        {
            _publisher.Update(descriptor);
            return;
        }
        try
        {
            _publisher = _context.Streams.Publish(descriptor);
        }
        catch (InvalidOperationException e)
        {
            _lastError = $"cannot publish {StreamName}: {e.Message}";
            _context.Logger.Error(e, "camera {Camera}: stream {Stream} is held by another publisher", Camera.Id, StreamName);
        }
    }

    private async Task HealthLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.HealthInterval, _context.Time);
        try
        {
            // A first sample at once, so a new camera shows its state now rather than after a whole period.
            do
            {
                var health = Measure();
                if (Target.IsSub) _context.Cameras.ReportSubStreamHealth(Camera.Id, health);
                else _context.Cameras.ReportStreamHealth(Camera.Id, health);
                _events?.Enqueue(new StreamHealthMeasured(Camera.Id, health));
                ReportHealth(health);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Current figures: rates since the last measurement, counters over the pull's life.</summary>
    internal StreamHealth Measure()
    {
        var (fps, kbps, keyInterval, lastFrame) = _meter.Sample();
        lock (_gate)
        {
            var current = _session?.Snapshot() ?? [];
            var received = _packetsBefore + current.Sum(t => t.PacketsReceived);
            var lost = _lostBefore + current.Sum(t => t.PacketsLost);
            var loss = received + lost == 0 ? 0 : 100.0 * lost / (received + lost);
            return new StreamHealth(_state, Math.Round(fps, 2), Math.Round(kbps, 1), Math.Round(keyInterval, 3), received, lost, Math.Round(loss, 3),
                _reconnects, _lastError, lastFrame, _codec, _transportLabel, _video?.Width, _video?.Height);
        }
    }

    private void ReportHealth(StreamHealth? measured = null)
    {
        string state;
        string? error;
        lock (_gate)
        {
            state = _state;
            error = _lastError;
        }
        if (state == "idle")
        {
            _context.Health.Report(Component, HealthState.Healthy, "idle: no subscriber (pulled only while watched)");
        }
        else if (state == "playing")
        {
            var text = measured is null ? $"playing {_codec} over {(_transport == RtspTransportMode.Udp ? "UDP" : "TCP")}"
                : $"playing {measured.Codec}, {measured.Fps:0.#} fps, {measured.BitrateKbps:0} kbit/s, loss {measured.LossPercent:0.##} %, {measured.Reconnects} reconnects";
            _context.Health.Report(Component, HealthState.Healthy, text);
        }
        else
        {
            _context.Health.Report(Component, HealthState.Unhealthy, $"{state}: {error ?? "not connected yet"}");
        }
    }
}
