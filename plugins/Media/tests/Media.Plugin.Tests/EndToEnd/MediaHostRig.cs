using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests.EndToEnd;

/// <summary>
/// The real host process with the bundled RTSP ingest, RTSP server and media plugins (the media plugin in its own
/// process, the default for its kind) and two GStreamer cameras added through the cameras API: <see cref="Moving"/>
/// (H.264 640x360, the moving ball) and <see cref="Still"/> (H.265 640x360, videotestsrc's
/// <c>smpte75</c> bars: truly still, unlike <c>smpte</c>, whose corner of white noise is motion). The SD stream is configured to 320x180, smaller than the cameras. Motion
/// is analysed twice a second at sensitivity 80: videotestsrc's ball has a fixed 20-pixel radius and moves up to ~10
/// pixels a frame, so its two positions half a second apart change ~1 % of the frame, under the 1.2 % that sensitivity
/// 50 asks for and over the 0.6 % of 80. One per test
/// class (xunit class fixture); the tests reach everything through the host's routes and its RTSP server.
/// </summary>
public sealed class MediaHostRig : IAsyncLifetime
{
    public const string MediaId = "appliance.media";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly int _rtspServerPort = FreePort.Tcp();
    private GstRtspServer? _moving;
    private GstRtspServer? _still;
    private HostProcess? _host;

    public HostProcess Host => _host ?? throw new InvalidOperationException("not started");
    public HttpClient Client => Host.Client;
    public string Moving { get; private set; } = "";
    public string Still { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _moving = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360 --fps 10 --keyint 10 --bitrate 800");
        _still = await GstRtspServer.StartAsync(FreePort.Tcp(), "--codec h265 --pattern smpte75 --width 640 --height 360 --fps 10 --keyint 10 --bitrate 500");
        var config = new JsonObject
        {
            ["appliance.rtsp"] = new JsonObject { ["reconnect"] = new JsonObject { ["initialSeconds"] = 0.2, ["maxSeconds"] = 1 } },
            ["appliance.rtsp-server"] = new JsonObject { ["port"] = _rtspServerPort, ["bindAddress"] = "127.0.0.1" },
            [MediaId] = new JsonObject
            {
                ["sd"] = new JsonObject { ["width"] = 320, ["height"] = 180 },
                ["motion"] = new JsonObject { ["fps"] = 2, ["sensitivity"] = 80 },
                // TEST ONLY: lets GStreamerCameraTests crash the media process by a native fault (faults/native).
                ["faultInjection"] = new JsonObject { ["enabled"] = true },
            },
        };
        // The media plugin probes its codecs before it says it runs: more than the test hosts' usual 5 s on a busy machine.
        var appliance = new JsonObject { ["plugins"] = new JsonObject { ["startTimeoutSeconds"] = 60, ["stopTimeoutSeconds"] = 5, ["watchDirectory"] = false } };
        _host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest, BundledPlugins.RtspServer, BundledPlugins.Media),
            appliance: appliance, pluginConfig: config);
        await _host.LoginAsync();
        foreach (var plugin in new[] { "appliance.rtsp", "appliance.rtsp-server", MediaId }) await _host.UntilPluginRunningAsync(plugin);
        Moving = await AddCameraAsync("Moving ball", _moving.Url);
        Still = await AddCameraAsync("Still bars", _still.Url);
    }

    private async Task<string> AddCameraAsync(string name, string url)
    {
        using var added = await Client.PostAsJsonAsync("/api/v1/cameras", new { name, streamUri = url });
        added.EnsureSuccessStatusCode();
        return (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A hub stream as the RTSP server plugin serves it, with the admin's credentials (Digest).</summary>
    public string RtspUrl(string stream) => $"rtsp://{HostProcess.AdminUser}:{HostProcess.AdminPassword}@127.0.0.1:{_rtspServerPort}/{stream}";

    /// <summary>GET on one of the media plugin's routes through the host.</summary>
    public Task<HttpResponseMessage> MediaAsync(string route) => Client.GetAsync($"/plugins/{MediaId}/{route}");

    /// <summary>The pid the media plugin runs in, from its <c>process</c> health report ("running isolated in pid N",
    /// after a crash "restarted in pid N ..."); null while it is restarting.</summary>
    public async Task<int?> MediaPidAsync()
    {
        var plugin = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{MediaId}");
        foreach (var h in plugin.GetProperty("health").EnumerateArray())
        {
            if (h.GetProperty("component").GetString() != "process") continue;
            var words = (h.GetProperty("message").GetString() ?? "").Split(' ');
            var at = Array.IndexOf(words, "pid");
            if (words.Length > 1 && words[0] is "running" or "restarted" && at > 0 && at + 1 < words.Length
                && int.TryParse(words[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return pid;
        }
        return null;
    }

    /// <summary>The host's recent events of <paramref name="type"/>, newest first.</summary>
    public async Task<List<JsonElement>> EventsAsync(string type) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/api/v1/events?type={type}&limit=200")).EnumerateArray().ToList();

    public string Diagnostics() => "host log tail:\n" + string.Concat(Host.Log.TakeLast(6000));

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _moving?.Dispose();
        _still?.Dispose();
    }
}
