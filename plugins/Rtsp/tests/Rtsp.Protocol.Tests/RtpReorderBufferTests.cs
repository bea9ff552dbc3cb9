using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class RtpReorderBufferTests
{
    private sealed class Sink : IRtpPacketSink
    {
        public List<string> Events { get; } = new();

        public void OnRtp(ReadOnlySpan<byte> packet)
        {
            RtpPacket.TryParse(packet, out var p);
            Events.Add(p.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public void OnLoss(int packets) => Events.Add($"lost{packets}");
    }

    private static (RtpReorderBuffer, Sink) Run(int window, params ushort[] sequence)
    {
        var buffer = new RtpReorderBuffer(window);
        var sink = new Sink();
        foreach (var seq in sequence) buffer.Push(RtpTests.Packet(seq, 0, false, [1]), seq, sink);
        return (buffer, sink);
    }

    [Fact]
    public void InOrderPassesStraightThroughAcrossTheWrap()
    {
        var (b, s) = Run(4, 65534, 65535, 0, 1);
        Assert.Equal(["65534", "65535", "0", "1"], s.Events);
        Assert.Equal(0, b.Reordered);
    }

    [Fact]
    public void ReorderedPacketsComeOutInOrder()
    {
        var (b, s) = Run(8, 10, 12, 13, 11, 14);
        Assert.Equal(["10", "11", "12", "13", "14"], s.Events);
        Assert.Equal(2, b.Reordered);
        Assert.Equal(0, b.Lost);
    }

    [Fact]
    public void DuplicatesAreDroppedAndCounted()
    {
        var (b, s) = Run(8, 1, 2, 2, 4, 4, 3, 1);
        Assert.Equal(["1", "2", "3", "4"], s.Events);
        Assert.Equal(3, b.Duplicates);
    }

    [Fact]
    public void AGapTheWindowCannotBridgeIsDeclaredLost()
    {
        var (b, s) = Run(4, 1, 3, 4, 5, 6);
        Assert.Equal(["1", "lost1", "3", "4", "5", "6"], s.Events);
        Assert.Equal(1, b.Lost);
        // A late arrival of the lost packet is dropped, not delivered out of order.
        b.Push(RtpTests.Packet(2, 0, false, [1]), 2, s);
        Assert.Equal(1, b.Late);
    }

    [Fact]
    public void ALargeJumpResynchronises()
    {
        var (b, s) = Run(4, 100, 101, 30000, 30001);
        Assert.Equal(["100", "101", "30000", "30001"], s.Events);
        Assert.Equal(1, b.Resyncs);
    }

    [Fact]
    public void FlushDeliversWhatWaitsAndCountsHoles()
    {
        var (b, s) = Run(8, 1, 3, 5);
        b.Flush(s);
        Assert.Equal(["1", "lost1", "3", "lost1", "5"], s.Events);
        b.Dispose();
    }

    [Fact]
    public void SeededShuffleNeverLosesOrDuplicatesWithinTheWindow()
    {
        var random = new Random(42);
        var order = Enumerable.Range(0, 2000).Select(i => (ushort)(i + 64000)).ToArray();
        for (var i = 4; i + 3 < order.Length; i += 4) random.Shuffle(order.AsSpan(i, 4));
        var dup = order.SelectMany(x => random.Next(10) == 0 ? new[] { x, x } : new[] { x }).ToArray();
        var (b, s) = Run(8, dup);
        b.Flush(s);
        Assert.Equal(order.OrderBy(x => (ushort)(x - 64000)).Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)), s.Events);
        Assert.Equal(dup.Length - order.Length, b.Duplicates + b.Late);
    }
}
