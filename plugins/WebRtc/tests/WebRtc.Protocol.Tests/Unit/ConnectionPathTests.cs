using System.Net;
using Appliance.Plugins.WebRtc.Protocol.Session;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class ConnectionPathTests
{
    private static readonly string[] Candidates =
    [
        "candidate:1 1 udp 2122260223 192.168.1.5 50000 typ host",
        "candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 192.168.1.5 rport 50000",
        "candidate:3 1 udp 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 40000",
    ];

    [Theory]
    [InlineData("192.168.1.5", 50000, false, ConnectionPath.Lan)]
    [InlineData("203.0.113.7", 40000, false, ConnectionPath.PeerToPeer)]
    [InlineData("198.51.100.9", 3478, false, ConnectionPath.Relay)]
    [InlineData("198.51.100.9", 3478, true, ConnectionPath.Relay)]
    [InlineData("203.0.113.7", 40000, true, ConnectionPath.Direct)]
    [InlineData("10.0.0.9", 1234, false, ConnectionPath.Lan)] // unannounced private (mDNS-hidden host)
    [InlineData("10.0.0.9", 1234, true, ConnectionPath.Lan)]
    [InlineData("203.0.113.99", 1234, false, ConnectionPath.PeerToPeer)] // unannounced public: peer-reflexive
    public void Paths_follow_the_openeye_order(string address, int port, bool publicAddressConfigured, ConnectionPath expected) =>
        Assert.Equal(expected, ConnectionPathClassifier.Classify(new IPEndPoint(IPAddress.Parse(address), port), Candidates, publicAddressConfigured));

    [Fact]
    public void Malformed_candidate_lines_are_ignored()
    {
        string[] junk = ["", "candidate:", "candidate:1 1 udp x y z typ", "candidate:1 1 udp 1 not-an-ip 9 typ relay"];
        Assert.Equal(ConnectionPath.Lan, ConnectionPathClassifier.Classify(new IPEndPoint(IPAddress.Loopback, 9), junk, false));
    }
}
