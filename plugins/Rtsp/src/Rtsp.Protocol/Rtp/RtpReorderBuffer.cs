using System.Buffers;

namespace Appliance.Plugins.Rtsp.Protocol.Rtp;

/// <summary>Receives packets in sequence order from <see cref="RtpReorderBuffer"/>.</summary>
public interface IRtpPacketSink
{
    void OnRtp(ReadOnlySpan<byte> packet);

    /// <summary><paramref name="packets"/> sequence numbers were given up as lost just before the next delivered packet.</summary>
    void OnLoss(int packets);
}

/// <summary>
/// Puts RTP packets back in sequence order within a small window. In-order packets pass straight through
/// (no copy); early ones wait in pooled slots; duplicates and packets older than the window are dropped and
/// counted; a gap the window cannot bridge is declared lost. A jump larger than <see cref="MaxJump"/>
/// (a sender restart) resynchronises.
/// </summary>
public sealed class RtpReorderBuffer : IDisposable
{
    public const int MaxJump = 3000;
    private readonly ArrayPool<byte> _pool;
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly ushort[] _sequences;
    private readonly bool[] _occupied;
    private readonly int _slotSize;
    private ushort _expected;
    private bool _started;
    private int _buffered;
    private ulong _history; // bit i: sequence (_expected - 1 - i) was delivered

    public RtpReorderBuffer(int window = 8, int slotSize = 2048, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _pool = pool ?? ArrayPool<byte>.Shared;
        _slotSize = slotSize;
        _slots = new byte[window][];
        for (var i = 0; i < window; i++) _slots[i] = _pool.Rent(slotSize);
        _lengths = new int[window];
        _sequences = new ushort[window];
        _occupied = new bool[window];
    }

    public int Window => _slots.Length;
    public long Delivered { get; private set; }
    public long Duplicates { get; private set; }
    public long Late { get; private set; }
    public long Lost { get; private set; }
    public long Reordered { get; private set; }
    public long Resyncs { get; private set; }
    public long Oversized { get; private set; }

    public void Push(ReadOnlySpan<byte> packet, ushort sequence, IRtpPacketSink sink)
    {
        if (!_started)
        {
            _started = true;
            _expected = sequence;
        }
        var diff = (short)(ushort)(sequence - _expected);
        if (diff == 0)
        {
            Deliver(packet, sink);
            Drain(sink);
            return;
        }
        if (diff < 0)
        {
            if (-diff <= MaxJump)
            {
                var age = -diff - 1;
                if (age < 64 && ((_history >> age) & 1) != 0) Duplicates++;
                else Late++;
                return;
            }
            Resync(sequence, sink);
            Deliver(packet, sink);
            return;
        }
        if (diff > MaxJump)
        {
            Resync(sequence, sink);
            Deliver(packet, sink);
            return;
        }
        // Early: make room until the packet fits the window, giving up the oldest missing numbers.
        var lost = 0;
        while ((ushort)(sequence - _expected) >= Window)
        {
            var slot = _expected % Window;
            if (_occupied[slot] && _sequences[slot] == _expected)
            {
                if (lost > 0) { ReportLoss(lost, sink); lost = 0; }
                DeliverSlot(slot, sink);
            }
            else
            {
                lost++;
                Skip();
            }
        }
        if (lost > 0) ReportLoss(lost, sink);
        Drain(sink);
        if (sequence == _expected)
        {
            Deliver(packet, sink);
            Drain(sink);
            return;
        }
        var target = sequence % Window;
        if (_occupied[target])
        {
            Duplicates++;
            return;
        }
        if (packet.Length > _slotSize)
        {
            Oversized++;
            return;
        }
        packet.CopyTo(_slots[target]);
        _lengths[target] = packet.Length;
        _sequences[target] = sequence;
        _occupied[target] = true;
        _buffered++;
        Reordered++;
    }

    /// <summary>Delivers everything buffered in order, counting the holes as lost (end of stream, or a stall).</summary>
    public void Flush(IRtpPacketSink sink)
    {
        var lost = 0;
        while (_buffered > 0)
        {
            var slot = _expected % Window;
            if (_occupied[slot] && _sequences[slot] == _expected)
            {
                if (lost > 0) { ReportLoss(lost, sink); lost = 0; }
                DeliverSlot(slot, sink);
            }
            else
            {
                lost++;
                Skip();
            }
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { Length: > 0 } slot) _pool.Return(slot);
            _slots[i] = [];
        }
    }

    private void Resync(ushort sequence, IRtpPacketSink sink)
    {
        Flush(sink);
        Resyncs++;
        _expected = sequence;
        _history = 0;
    }

    private void ReportLoss(int count, IRtpPacketSink sink)
    {
        Lost += count;
        sink.OnLoss(count);
    }

    private void Skip()
    {
        _expected++;
        _history <<= 1;
    }

    private void Deliver(ReadOnlySpan<byte> packet, IRtpPacketSink sink)
    {
        _expected++;
        _history = (_history << 1) | 1;
        Delivered++;
        sink.OnRtp(packet);
    }

    private void DeliverSlot(int slot, IRtpPacketSink sink)
    {
        _occupied[slot] = false;
        _buffered--;
        Deliver(_slots[slot].AsSpan(0, _lengths[slot]), sink);
    }

    private void Drain(IRtpPacketSink sink)
    {
        while (_buffered > 0)
        {
            var slot = _expected % Window;
            if (!_occupied[slot] || _sequences[slot] != _expected) return;
            DeliverSlot(slot, sink);
        }
    }
}
