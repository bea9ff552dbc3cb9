using System.Net;
using Appliance.NetCheck.Tests.Infrastructure;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>A GStreamer rtsp-server (Python, /usr/bin/python3) serving rtsp://127.0.0.1:port/cam.</summary>
public sealed class GstRtspServer : IDisposable
{
    private readonly PeerProcess _process;

    private GstRtspServer(PeerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Uri => new($"rtsp://127.0.0.1:{Port}/cam");

    public static async Task<GstRtspServer> StartAsync(TempDir dir)
    {
        var port = TestPorts.FreeTcp();
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "rtsp_server.py");
        var process = PeerProcess.Start("/usr/bin/python3", [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            dir.File($"rtsp-{port}.log"));
        var peer = new GstRtspServer(process, port);
        try
        {
            await Wait.TcpListeningAsync(IPAddress.Loopback, port, process.Log);
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
