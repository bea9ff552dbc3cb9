using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>Loss accounting at join (issue 11 item 6): counted from the first packet received, not from RTP-Info.</summary>
public sealed class JoinLossTests
{
    [Fact]
    public void StatisticsStartAtTheFirstPacketReceivedWhateverItsSequenceNumber()
    {
        var stats = new RtpReceiverStatistics();
        // Joined mid-stream near the wrap: the sequence numbers before the first one received are not lost.
        for (var i = 0; i < 200; i++) stats.OnPacket(0x1234, (ushort)(65500 + i), (uint)(i * 3000), i * 3000);
        Assert.Equal(200, stats.Received);
        Assert.Equal(0, stats.Lost);
        stats.OnPacket(0x1234, unchecked((ushort)(65500 + 202)), 0, 0);
        Assert.Equal(2, stats.Lost);
    }
}
