using Appliance.Testing.Plugins;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Rtsp.Plugin;
using Appliance.Plugins.RtspServer.Plugin;
using Appliance.Plugins.RtspServer.Plugin.Tests;
using Appliance.Streams;

namespace Appliance.Plugins.RtspServer.Bench;

/// <summary>
/// The child process for our side (<c>--serve-ours &lt;camera url&gt;</c>): the real ingest plugin pulls the canned camera
/// into a real <see cref="StreamHub"/>, the RTSP server plugin serves it, as on the appliance but without the host.
/// Prints <c>READY &lt;port&gt;</c>; then reads commands on stdin: <c>reset</c> clears the latency window, <c>latency</c>
/// prints <c>LATENCY &lt;p50 µs&gt; &lt;p99 µs&gt; &lt;count&gt;</c>; stdin closed = stop.
/// </summary>
public static class OursServer
{
    public const string StreamName = "camera/cam1";

    public static async Task<int> RunAsync(string cameraUrl)
    {
        var hub = new StreamHub();
        var cameras = new CamerasDouble();
        cameras.Set(new CameraInfo("cam1", "cam1", true, cameraUrl, null, null, null, new CameraOverrides()));
        await using var ingestContext = new PluginContextDouble("{\"defaultTransport\":\"tcp\"}", pluginId: "appliance.rtsp")
        {
            StreamHub = hub,
            CameraDirectory = cameras,
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Udp, 50000, 50999, "RTP")]),
        };
        var ingest = new RtspPlugin();
        await ingest.StartAsync(ingestContext, CancellationToken.None);

        var port = FreeTcpPort();
        var config = $"{{\"port\":{port},\"udpPortRange\":\"51000-51999\",\"authentication\":\"none\",\"maxConnections\":1024,\"maxSessions\":1024}}";
        await using var serverContext = new PluginContextDouble(config, pluginId: "appliance.rtsp-server")
        {
            StreamHub = hub,
            CameraDirectory = cameras,
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Tcp, port, port, "RTSP"), new DeclaredPort(SocketTransport.Udp, 51000, 51999, "RTP")]),
        };
        var server = new RtspServerPlugin();
        await server.StartAsync(serverContext, CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!hub.Streams.Any(s => s.Name == StreamName && s.Tracks.Any(t => t.Parameters.Count >= 2)))
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.WriteLine("FAILED the camera's stream did not reach the hub: " + string.Join(" | ", ingestContext.Log.Lines.TakeLast(5)));
                return 1;
            }
            await Task.Delay(50);
        }
        Console.WriteLine($"READY {server.Port}");

        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "reset") server.Metrics.ResetDelays();
            else if (command == "latency")
            {
                var delays = server.Metrics.Delays();
                Array.Sort(delays);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"LATENCY {Percentile(delays, 0.50)} {Percentile(delays, 0.99)} {delays.Length}"));
            }
        }
        await server.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await ingest.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return 0;
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? -1 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
