using Appliance.Abstractions;
using System.Net.Sockets;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

/// <summary>Two bound UDP sockets for one track: RTP on an even port, RTCP on the next (RFC 3550 §11).</summary>
public sealed class RtpPortPair(Socket rtp, Socket rtcp) : IDisposable
{
    public Socket Rtp { get; } = rtp;
    public Socket Rtcp { get; } = rtcp;
    public int RtpPort => ((System.Net.IPEndPoint)Rtp.LocalEndPoint!).Port;
    public int RtcpPort => ((System.Net.IPEndPoint)Rtcp.LocalEndPoint!).Port;

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}

/// <summary>Where UDP ports come from (the plugin: only its declared range, through the host's socket factory).</summary>
public interface IRtpPortAllocator
{
    /// <summary>A free even/odd pair, or why there is none.</summary>
    Result<RtpPortPair> Allocate();
}
