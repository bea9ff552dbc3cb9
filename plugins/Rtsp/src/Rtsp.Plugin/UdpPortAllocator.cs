using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>RTP/RTCP port pairs (even, even+1) from the configured range, bound through the host's declared-socket factory.</summary>
internal sealed class UdpPortAllocator(IDeclaredSockets sockets, int firstPort, int lastPort) : IRtpPortAllocator
{
    private readonly object _gate = new();
    private int _next = firstPort + (firstPort & 1);

    public Result<RtpPortPair> Allocate()
    {
        lock (_gate)
        {
            var first = firstPort + (firstPort & 1);
            var pairs = Math.Max(0, (lastPort - first + 1) / 2);
            for (var i = 0; i < pairs; i++)
            {
                var port = _next;
                _next += 2;
                if (_next + 1 > lastPort) _next = first;
                Socket? rtp = null;
                try
                {
                    rtp = sockets.BindUdp(port, IPAddress.Any);
                    var rtcp = sockets.BindUdp(port + 1, IPAddress.Any);
                    return new RtpPortPair(rtp, rtcp);
                }
                catch (SocketException)
                {
                    rtp?.Dispose();
                }
                catch (UndeclaredPortException e)
                {
                    rtp?.Dispose();
                    return Result<RtpPortPair>.Fail("undeclared", $"UDP port {port} is not declared by the plugin: {e.Message}");
                }
            }
            return Result<RtpPortPair>.Fail("exhausted", $"no free UDP port pair in {firstPort}-{lastPort}");
        }
    }
}
