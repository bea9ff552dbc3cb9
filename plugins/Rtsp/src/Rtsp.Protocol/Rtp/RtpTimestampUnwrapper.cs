namespace Appliance.Plugins.Rtsp.Protocol.Rtp;

/// <summary>Extends 32-bit RTP timestamps to a 64-bit timeline across wrap-around (steps are read as signed 32-bit).</summary>
public sealed class RtpTimestampUnwrapper
{
    private uint _last;
    private long _extended;
    private bool _started;

    public long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            _extended = timestamp;
            return _extended;
        }
        _extended += (int)(timestamp - _last);
        _last = timestamp;
        return _extended;
    }

    public void Reset() => _started = false;
}
