using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Rtsp.Plugin;
using Appliance.Plugins.Rtsp.Protocol.Server;
using Appliance.Streams;
using Appliance.Testing;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// A GStreamer camera pulled by the real RTSP ingest plugin into a real <see cref="StreamHub"/>, served by the RTSP
/// server plugin on a free loopback port: the appliance's media path without the host process.
/// </summary>
public sealed class ServerRig : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    public const string StreamName = "camera/cam1";

    private ServerRig(GstRtspServer camera, StreamHub hub, PluginContextDouble ingestContext, RtspPlugin ingest, PluginContextDouble serverContext, RtspServerPlugin server)
    {
        Camera = camera;
        Hub = hub;
        IngestContext = ingestContext;
        Ingest = ingest;
        ServerContext = serverContext;
        Server = server;
    }

    public GstRtspServer Camera { get; }
    public StreamHub Hub { get; }
    public PluginContextDouble IngestContext { get; }
    public RtspPlugin Ingest { get; }
    public PluginContextDouble ServerContext { get; }
    public RtspServerPlugin Server { get; }
    public int Port => Server.Port;
    public string Url => $"rtsp://127.0.0.1:{Port}/{StreamName}";

    /// <param name="cameraArgs">rtsp_server.py arguments (codec, audio, size).</param>
    /// <param name="serverConfig">Extra server settings, e.g. <c>"authentication":"digest"</c>.</param>
    public static async Task<ServerRig> StartAsync(string cameraArgs = "--width 640 --height 360", string serverConfig = "\"authentication\":\"none\"",
        IRtspCredentialVerifier? verifier = null, IUserVerifier? users = null)
    {
        var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), cameraArgs);
        var hub = new StreamHub();
        var cameras = new CamerasDouble();
        cameras.Set(new CameraInfo("cam1", "cam1", true, camera.Url, null, null, null, new CameraOverrides()));
        var ingestContext = new PluginContextDouble("{}", pluginId: "appliance.rtsp")
        {
            StreamHub = hub,
            CameraDirectory = cameras,
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Udp, 50000, 50999, "RTP")]),
        };
        var ingest = new RtspPlugin();
        await ingest.StartAsync(ingestContext, CancellationToken.None);

        var port = FreePort.Tcp();
        var config = $"{{\"port\":{port},\"udpPortRange\":\"51000-51999\"{(serverConfig.Length > 0 ? "," + serverConfig : "")}}}";
        var serverContext = new PluginContextDouble(config, pluginId: "appliance.rtsp-server")
        {
            StreamHub = hub,
            CameraDirectory = cameras,
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Tcp, port, port, "RTSP"), new DeclaredPort(SocketTransport.Udp, 51000, 51999, "RTP")]),
            UserVerifier = users,
        };
        var server = verifier is null ? new RtspServerPlugin() : new RtspServerPlugin(verifier);
        await server.StartAsync(serverContext, CancellationToken.None);
        var rig = new ServerRig(camera, hub, ingestContext, ingest, serverContext, server);
        await Until(() => hub.Streams.Any(s => s.Name == StreamName && s.Tracks.Any(t => t.Parameters.Count >= 2)), "the camera's stream in the hub with parameter sets");
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(CancellationToken.None).WaitAsync(Patience);
        await Ingest.StopAsync(CancellationToken.None).WaitAsync(Patience);
        await ServerContext.DisposeAsync();
        await IngestContext.DisposeAsync();
        Camera.Dispose();
        Assert.Empty(ServerContext.BackgroundFailures);
    }

    public static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience);
}
