namespace Appliance.Plugins.Media.Protocol.Gpio;

/// <summary>
/// Debounce of one digital input as a pure state machine: a raw level becomes the stable level only after it has
/// held for <c>debounce</c> with no other edge. Feed raw edges with <see cref="Raw"/>; ask <see cref="Settle"/> at
/// (or after) <see cref="DueAt"/>. Active-low inputs are inverted here, so callers only see "active".
/// </summary>
public sealed class InputDebouncer(TimeSpan debounce, bool activeLow, bool initialRawHigh)
{
    private bool _rawHigh = initialRawHigh;
    private DateTimeOffset? _changedAt;

    /// <summary>The debounced state: true when the input is active (high, or low for an active-low input).</summary>
    public bool Active { get; private set; } = initialRawHigh != activeLow;

    /// <summary>When a pending change can settle, or null when nothing is pending.</summary>
    public DateTimeOffset? DueAt => _changedAt + debounce;

    /// <summary>Records a raw level seen at <paramref name="at"/>.</summary>
    public void Raw(bool high, DateTimeOffset at)
    {
        if (high == _rawHigh) return;
        _rawHigh = high;
        _changedAt = (_rawHigh != activeLow) == Active ? null : at; // back to the stable level: nothing pending
    }

    /// <summary>Settles a pending change if it has held long enough; returns the new active state when it changed.</summary>
    public bool? Settle(DateTimeOffset now)
    {
        if (_changedAt is not { } at || now - at < debounce) return null;
        _changedAt = null;
        var active = _rawHigh != activeLow;
        if (active == Active) return null;
        Active = active;
        return active;
    }
}
