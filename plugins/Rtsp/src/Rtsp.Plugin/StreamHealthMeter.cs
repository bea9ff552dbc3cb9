namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Frame rate, bit rate and keyframe interval of one camera's stream, measured over sampling windows. The frame
/// rate comes from the frames' timestamps (the stream's own rate: a burst after a network or CPU hiccup does not
/// read as 40 fps); the bit rate is what arrived per wall-clock second.
/// </summary>
internal sealed class StreamHealthMeter(TimeProvider time)
{
    private readonly object _gate = new();
    private long _windowStart = time.GetTimestamp();
    private long _videoUnits;
    private long _bytes;
    private long _lastKeyTimestamp = long.MinValue;
    private double _keyframeInterval;
    private DateTimeOffset? _lastFrameAt;
    private long _windowFirstTimestamp = long.MinValue;
    private long _windowLastTimestamp = long.MinValue;
    private long _previousLastTimestamp = long.MinValue;
    private int _clockRate;

    public void OnUnit(bool video, int clockRate, long timestamp, int bytes, bool keyframe)
    {
        lock (_gate)
        {
            _bytes += bytes;
            if (!video) return;
            _videoUnits++;
            _lastFrameAt = time.GetUtcNow();
            if (_windowFirstTimestamp == long.MinValue) _windowFirstTimestamp = timestamp;
            _windowLastTimestamp = timestamp;
            _clockRate = clockRate;
            if (!keyframe) return;
            if (_lastKeyTimestamp != long.MinValue && timestamp > _lastKeyTimestamp && clockRate > 0)
                _keyframeInterval = (timestamp - _lastKeyTimestamp) / (double)clockRate;
            _lastKeyTimestamp = timestamp;
        }
    }

    /// <summary>A new session starts a new timeline for the keyframe interval.</summary>
    public void OnSessionStart()
    {
        lock (_gate) _lastKeyTimestamp = long.MinValue;
    }

    public DateTimeOffset? LastFrameAt
    {
        get { lock (_gate) return _lastFrameAt; }
    }

    /// <summary>Rates since the previous sample; starts a new window.</summary>
    public (double Fps, double BitrateKbps, double KeyframeIntervalSeconds, DateTimeOffset? LastFrameAt) Sample()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var seconds = time.GetElapsedTime(_windowStart, now).TotalSeconds;
            var fps = MediaFps() ?? (seconds > 0 ? _videoUnits / seconds : 0);
            var kbps = seconds > 0 ? _bytes * 8 / seconds / 1000 : 0;
            _windowStart = now;
            if (_videoUnits > 0) _previousLastTimestamp = _windowLastTimestamp;
            _windowFirstTimestamp = long.MinValue;
            _videoUnits = 0;
            _bytes = 0;
            return (fps, kbps, _keyframeInterval, _lastFrameAt);
        }
    }

    /// <summary>Frames per second of media time in this window (from the last frame of the previous one), or null.</summary>
    private double? MediaFps()
    {
        if (_videoUnits == 0 || _clockRate <= 0) return null;
        var (from, frames) = _previousLastTimestamp != long.MinValue && _previousLastTimestamp < _windowFirstTimestamp
            ? (_previousLastTimestamp, _videoUnits)
            : (_windowFirstTimestamp, _videoUnits - 1);
        var span = _windowLastTimestamp - from;
        return span > 0 && frames > 0 ? frames / (span / (double)_clockRate) : null;
    }
}
