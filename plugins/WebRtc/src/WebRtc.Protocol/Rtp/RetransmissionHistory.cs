namespace Appliance.Plugins.WebRtc.Protocol.Rtp;

/// <summary>
/// The last N RTP packets sent (in clear, before SRTP), by sequence number, for NACK retransmission
/// (RFC 4585 generic NACK). Fixed memory: a ring of N slots reused in place. Not thread-safe.
/// </summary>
public sealed class RetransmissionHistory
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly int[] _sequences;
    private readonly uint[] _rocs;

    public RetransmissionHistory(int capacity = 512, int maxPacket = 1500)
    {
        _slots = new byte[capacity][];
        for (var i = 0; i < capacity; i++) _slots[i] = new byte[maxPacket];
        _lengths = new int[capacity];
        _sequences = Enumerable.Repeat(-1, capacity).ToArray();
        _rocs = new uint[capacity];
    }

    public void Add(ushort sequence, uint roc, ReadOnlySpan<byte> packet)
    {
        var slot = sequence % _slots.Length;
        if (packet.Length > _slots[slot].Length) return;
        packet.CopyTo(_slots[slot]);
        _lengths[slot] = packet.Length;
        _sequences[slot] = sequence;
        _rocs[slot] = roc;
    }

    /// <summary>Copies the packet with <paramref name="sequence"/> into <paramref name="destination"/>; 0 when no longer held.</summary>
    public int TryCopy(ushort sequence, Span<byte> destination, out uint roc)
    {
        var slot = sequence % _slots.Length;
        roc = _rocs[slot];
        if (_sequences[slot] != sequence || _lengths[slot] > destination.Length) return 0;
        _slots[slot].AsSpan(0, _lengths[slot]).CopyTo(destination);
        return _lengths[slot];
    }
}
