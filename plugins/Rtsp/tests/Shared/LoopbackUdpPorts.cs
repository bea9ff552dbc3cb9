using Appliance.Abstractions;
using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>RTP/RTCP port pairs on 127.0.0.1 (even/odd), for protocol tests without the host's socket factory.</summary>
public sealed class LoopbackUdpPorts : IRtpPortAllocator
{
    private readonly Random _random = new(5004);

    public Result<RtpPortPair> Allocate()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = 20000 + 2 * _random.Next(0, 15000);
            var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return new RtpPortPair(rtp, rtcp);
            }
            catch (SocketException)
            {
                rtp.Dispose();
                rtcp.Dispose();
            }
        }
        return Result<RtpPortPair>.Fail("exhausted", "no free loopback UDP pair");
    }
}
