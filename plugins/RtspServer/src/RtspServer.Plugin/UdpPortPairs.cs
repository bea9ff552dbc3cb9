using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>One server RTP/RTCP socket pair (even RTP port, RTCP the next).</summary>
internal sealed record UdpPair(int RtpPort, Socket Rtp, Socket Rtcp) : IDisposable
{
    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}

/// <summary>Hands out server port pairs from the configured range through the host's declared sockets. Thread-safe.</summary>
internal sealed class UdpPortPairs(IDeclaredSockets sockets, IPAddress? address, int firstPort, int lastPort)
{
    private readonly object _gate = new();
    private readonly HashSet<int> _used = new();
    private int _next = firstPort + (firstPort & 1);

    public Result<UdpPair> Open()
    {
        lock (_gate)
        {
            var start = firstPort + (firstPort & 1);
            var span = (lastPort - start + 1) / 2;
            for (var i = 0; i < span; i++)
            {
                var port = _next;
                _next += 2;
                if (_next + 1 > lastPort) _next = start;
                if (_used.Contains(port)) continue;
                Socket? rtp = null;
                try
                {
                    rtp = sockets.BindUdp(port, address);
                    var rtcp = sockets.BindUdp(port + 1, address);
                    _used.Add(port);
                    return new UdpPair(port, rtp, rtcp);
                }
                catch (SocketException)
                {
                    rtp?.Dispose();
                }
            }
            return new Failure("exhausted", $"no free UDP port pair in {firstPort}-{lastPort}");
        }
    }

    public void Close(UdpPair pair)
    {
        pair.Dispose();
        lock (_gate) _used.Remove(pair.RtpPort);
    }
}
