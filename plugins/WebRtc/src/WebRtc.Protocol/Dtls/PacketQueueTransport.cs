using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Appliance.Plugins.WebRtc.Protocol.Dtls;

/// <summary>
/// The datagram transport BouncyCastle's DTLS runs over: incoming records are pushed by the session's receive
/// loop (after demultiplexing), outgoing ones go to a send callback (the ICE-selected path). Bounded: when the
/// DTLS side is not reading, further records are dropped, as a network would.
/// </summary>
internal sealed class PacketQueueTransport : DatagramTransport
{
    private const int Mtu = 1200;
    private readonly BlockingCollection<byte[]> _incoming = new(new ConcurrentQueue<byte[]>(), 64);
    private readonly Action<byte[]> _send;
    private volatile bool _closed;

    public PacketQueueTransport(Action<byte[]> send) => _send = send;

    /// <summary>Queues one received DTLS record (copied); false when full or closed.</summary>
    public bool Push(ReadOnlySpan<byte> record) => !_closed && _incoming.TryAdd(record.ToArray());

    public int GetReceiveLimit() => Mtu;

    public int GetSendLimit() => Mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed) throw new TlsFatalAlert(AlertDescription.close_notify);
        try
        {
            if (!_incoming.TryTake(out var packet, waitMillis)) return -1;
            var n = Math.Min(packet.Length, buffer.Length);
            packet.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        catch (ObjectDisposedException)
        {
            throw new TlsFatalAlert(AlertDescription.close_notify);
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!_closed) _send(buffer.ToArray());
    }

    public void Close()
    {
        _closed = true;
        _incoming.CompleteAdding();
    }
}
