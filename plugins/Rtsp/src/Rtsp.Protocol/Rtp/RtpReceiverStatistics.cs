namespace Appliance.Plugins.Rtsp.Protocol.Rtp;

/// <summary>
/// Reception statistics of one source as RFC 3550 Appendix A.1/A.3/A.8 defines them: extended highest sequence
/// number, cumulative and interval loss, interarrival jitter. Fed with every packet accepted by the sequencer.
/// </summary>
public sealed class RtpReceiverStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = uint.MaxValue;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private double _jitter;
    private long _lastTransit;
    private bool _hasTransit;
    private bool _started;

    public uint Ssrc { get; private set; }

    public long Received => Interlocked.Read(ref _received);

    public long ExtendedHighestSequence => _cycles + _maxSeq;

    public long Expected => _started ? ExtendedHighestSequence - _baseSeq + 1 : 0;

    /// <summary>Packets expected but not received (negative with duplicates, as in the RFC; clamped to 0 here).</summary>
    public long Lost => Math.Max(0, Expected - Received);

    public uint Jitter => (uint)_jitter;

    /// <summary>Counts a packet; <paramref name="arrival"/> is the arrival time in the payload's clock units.</summary>
    public void OnPacket(uint ssrc, ushort sequence, uint rtpTimestamp, long arrival)
    {
        if (!_started || ssrc != Ssrc)
        {
            Init(ssrc, sequence);
        }
        else
        {
            var delta = (ushort)(sequence - _maxSeq);
            if (delta < MaxDropout)
            {
                if (sequence < _maxSeq) _cycles += 65536;
                _maxSeq = sequence;
            }
            else if (delta <= 65536 - MaxMisorder)
            {
                // A large jump: accept it as a restart only if the next packet follows it (A.1).
                if (sequence == _badSeq) Init(ssrc, sequence);
                else
                {
                    _badSeq = (uint)((sequence + 1) & 0xFFFF);
                    return;
                }
            }
        }
        Interlocked.Increment(ref _received);
        var transit = arrival - rtpTimestamp;
        if (_hasTransit)
        {
            var d = Math.Abs(transit - _lastTransit);
            if (d < int.MaxValue) _jitter += (d - _jitter) / 16.0;
        }
        _lastTransit = transit;
        _hasTransit = true;
    }

    /// <summary>The fraction lost since the previous call, in 1/256 units (RFC 3550 §6.4.1), and the cumulative loss.</summary>
    public (byte FractionLost, int CumulativeLost) TakeIntervalLoss()
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        var receivedInterval = Received - _receivedPrior;
        _receivedPrior = Received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int)((lostInterval << 8) / expectedInterval);
        var cumulative = (int)Math.Clamp(expected - Received, -0x800000, 0x7FFFFF);
        return ((byte)Math.Min(fraction, 255), cumulative);
    }

    private void Init(uint ssrc, ushort sequence)
    {
        Ssrc = ssrc;
        _started = true;
        _baseSeq = sequence;
        _maxSeq = sequence;
        _cycles = 0;
        _badSeq = uint.MaxValue;
        _expectedPrior = 0;
        _receivedPrior = 0;
        Interlocked.Exchange(ref _received, 0);
        _hasTransit = false;
    }
}
