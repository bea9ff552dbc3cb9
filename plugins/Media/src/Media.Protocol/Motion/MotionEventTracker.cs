namespace Appliance.Plugins.Media.Protocol.Motion;

/// <summary>A motion event edge: motion started (with the regions) or ended.</summary>
public sealed record MotionTransition(bool Active, IReadOnlyList<string> Regions);

/// <summary>
/// Turns per-frame results into events with hysteresis: motion starts after <paramref name="startFrames"/> active
/// frames in a row and ends after <paramref name="endFrames"/> quiet frames in a row, so one flickering frame does
/// not raise an event and a short pause does not end one. Pure; one per camera.
/// </summary>
public sealed class MotionEventTracker(int startFrames = 1, int endFrames = 5)
{
    private int _activeRun;
    private int _quietRun;
    private readonly SortedSet<string> _regions = new(StringComparer.Ordinal);

    public bool Active { get; private set; }

    /// <summary>Feeds one frame's result; returns an edge when the state changes, else null.</summary>
    public MotionTransition? Next(MotionFrameResult frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Any)
        {
            _activeRun++;
            _quietRun = 0;
            foreach (var r in frame.ActiveRegions) _regions.Add(r);
            if (!Active && _activeRun >= startFrames)
            {
                Active = true;
                return new MotionTransition(true, _regions.ToArray());
            }
            return null;
        }
        _quietRun++;
        _activeRun = 0;
        if (!Active) _regions.Clear();
        if (Active && _quietRun >= endFrames)
        {
            Active = false;
            var regions = _regions.ToArray();
            _regions.Clear();
            return new MotionTransition(false, regions);
        }
        return null;
    }
}
