using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>Receives finished access units; takes over the one reference each unit carries.</summary>
public interface IAccessUnitSink
{
    void OnAccessUnit(AccessUnit unit);
}

/// <summary>What went wrong (and right) in one track's payload. Written by the receive loop, read by anyone.</summary>
public sealed class DepacketizerCounters
{
    public long Packets;
    public long MalformedPackets;
    public long FragmentsWithoutStart;
    public long UnfinishedFragments;
    public long BadAggregates;
    public long UnsupportedPackets;
    public long DamagedUnitsDropped;
    public long OversizedUnits;
    public long UnitsEmitted;
    public long Keyframes;
    public long Bytes;

    /// <summary>The last payload error, as a constant text (no allocation per packet).</summary>
    public string? LastError;
}

/// <summary>Turns the RTP payloads of one track into access units in pooled buffers.</summary>
public abstract class RtpDepacketizer : IDisposable
{
    public const int MaxUnitBytes = 16 * 1024 * 1024;

    protected RtpDepacketizer(int track, AccessUnitPool units, IAccessUnitSink sink)
    {
        ArgumentNullException.ThrowIfNull(units);
        Track = track;
        Units = units;
        Sink = sink;
    }

    public int Track { get; }

    public DepacketizerCounters Counters { get; } = new();

    /// <summary>Set to mark the next emitted unit <see cref="AccessUnit.AfterGap"/> (the first after a reconnect).</summary>
    public bool NextUnitAfterGap { get; set; }

    /// <summary>Where units come from; they go back there when their last reference is released.</summary>
    protected AccessUnitPool Units { get; }

    protected IAccessUnitSink Sink { get; }

    /// <summary>Consumes one packet whose (unwrapped, mapped) presentation time is <paramref name="timestamp"/>.</summary>
    public abstract void Push(in RtpPacket packet, long timestamp);

    /// <summary>Packets were lost just before the next one: whatever is being assembled is damaged.</summary>
    public abstract void OnLoss();

    /// <summary>Drops any partly assembled unit (end of stream).</summary>
    public abstract void Reset();

    public void Dispose()
    {
        Reset();
        GC.SuppressFinalize(this);
    }

    protected AccessUnit RentUnit(int capacity, long timestamp, bool keyframe)
    {
        return Units.Rent(capacity, Track, timestamp, keyframe, NextUnitAfterGap);
    }

    protected void Emit(AccessUnit unit)
    {
        NextUnitAfterGap = false;
        Counters.UnitsEmitted++;
        Counters.Bytes += unit.Length;
        if (unit.IsKeyframe) Counters.Keyframes++;
        Sink.OnAccessUnit(unit);
    }

    protected void Malformed(string error)
    {
        Counters.MalformedPackets++;
        Counters.LastError = error;
    }
}
