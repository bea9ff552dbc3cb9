using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Handles;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>
/// The newest decoded frame of one camera, held as an FFmpeg reference (no pixel copy). Readers take their own
/// reference (<see cref="Take"/>) and encode outside the lock, so a snapshot never stalls decoding.
/// </summary>
internal sealed class LatestFrame : IDisposable
{
    private readonly object _gate = new();
    private FrameHandle? _frame;
    private long _number;

    /// <summary>Distinguishes this pipeline's frame numbers from those of an earlier one (ETags survive restarts).</summary>
    public long Epoch { get; } = DateTime.UtcNow.Ticks;

    /// <summary>Frames seen so far (the ETag of a snapshot is made from it).</summary>
    public long Number
    {
        get { lock (_gate) return _number; }
    }

    public void Replace(VideoFrameView frame)
    {
        var clone = FrameHandle.CloneOf(frame);
        FrameHandle? old;
        lock (_gate)
        {
            old = _frame;
            _frame = clone;
            _number++;
        }
        old?.Dispose();
    }

    /// <summary>A reference of its own to the newest frame and its number, or null before the first frame. Dispose it.</summary>
    public (FrameHandle Frame, long Number)? Take()
    {
        lock (_gate)
        {
            if (_frame is null) return null;
            var clone = FrameHandle.CloneOf(_frame.View());
            return clone is null ? null : (clone, _number);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _frame?.Dispose();
            _frame = null;
        }
    }
}
