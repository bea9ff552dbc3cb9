using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Protocol.Motion;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>
/// Motion of one camera: every frame at most <c>fps</c> times a second (by the stream's own timestamps) is scaled
/// to a small gray picture and analysed; event edges come out of the tracker. Runs on the decode thread.
/// </summary>
internal sealed class MotionAnalyzer(FFmpegRuntime runtime, MotionSettings settings, int fps, int width, int height, int clockRate) : IDisposable
{
    private readonly MotionDetector _detector = new(settings);
    private readonly MotionEventTracker _tracker = new(startFrames: 1, endFrames: Math.Max(1, fps * 2));
    private FrameScaler? _scaler;
    private long? _lastAnalysed;

    /// <summary>Frames analysed so far.</summary>
    public long Analysed { get; private set; }

    /// <summary>Analyses <paramref name="frame"/> if it is due; returns an event edge or null.</summary>
    public MotionTransition? Offer(VideoFrameView frame, long timestamp)
    {
        var interval = clockRate / Math.Max(1, fps);
        if (_lastAnalysed is { } last && timestamp - last < interval && timestamp >= last) return null;
        _lastAnalysed = timestamp;
        if (_scaler is null || !_scaler.Matches(frame))
        {
            _scaler?.Dispose();
            var opened = FrameScaler.Open(runtime, frame.Width, frame.Height, frame.PixelFormat, width, height, AvConstants.AV_PIX_FMT_GRAY8, AvConstants.SWS_AREA);
            if (!opened.IsOk) return null;
            _scaler = opened.Value;
        }
        var gray = _scaler.Scale(frame);
        if (!gray.IsOk) return null;
        Analysed++;
        var result = _detector.Analyze(gray.Value.Plane(0, height), width, height, gray.Value.Stride(0));
        return _tracker.Next(result);
    }

    public void Dispose() => _scaler?.Dispose();
}
