using System.Text;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Plugins.WebRtc.Plugin.Tests.Support;
using Appliance.Streams;
using Appliance.Testing.Plugins;
using Xunit;

namespace Appliance.Plugins.WebRtc.Plugin.Tests;

public sealed class WhepRouteTests
{
    private const string Offer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901234\r\n" +
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
        "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
        "a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=42e01f\r\n";

    private static readonly PluginCaller Viewer = new("alice", UserRole.Viewer);

    private static PluginStreamRequest Request(string method, string path, Dictionary<string, string> route, string? contentType, string body, PluginCaller caller) =>
        new(method, path, route, new Dictionary<string, string>(),
            contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType },
            Encoding.UTF8.GetByteCount(body), new MemoryStream(Encoding.UTF8.GetBytes(body)), caller, "127.0.0.1");

    private static async Task<(WebRtcPlugin Plugin, PluginContextDouble Context, StreamHub Hub)> StartAsync()
    {
        var hub = new StreamHub();
        var context = WebRtcContext.Create("""{ "udpPortRange": "52000-52999", "hostAddresses": "127.0.0.1", "maxSessions": 4 }""", hub);
        var plugin = new WebRtcPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        hub.Publish(new StreamDescriptor("camera/front", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [], null)]));
        return (plugin, context, hub);
    }

    [Fact]
    public async Task Post_for_a_hub_stream_answers_201_and_binds_a_declared_port()
    {
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        var post = context.HttpRoutes.Routes["POST /whep/{**stream}"];
        var response = await post(Request("POST", "/whep/camera/front", new() { ["stream"] = "camera/front" }, "application/sdp", Offer, Viewer), CancellationToken.None);
        Assert.Equal(201, response.StatusCode);
        Assert.StartsWith("/whep-resource/", response.Headers["Location"]);
        Assert.Single(context.BoundPorts());
        Assert.InRange(context.BoundPorts()[0], 52000, 52999);

        var delete = context.HttpRoutes.Routes["DELETE /whep-resource/{session}"];
        var id = response.Headers["Location"]["/whep-resource/".Length..];
        Assert.Equal(200, (await delete(Request("DELETE", response.Headers["Location"], new() { ["session"] = id }, null, "", Viewer), CancellationToken.None)).StatusCode);
        await plugin.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_camera_with_g711_audio_is_answered_with_pcmu_and_one_without_audio_rejects_it()
    {
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        hub.Publish(new StreamDescriptor("camera/talk", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [], null), new MediaTrack(1, MediaCodec.Pcmu, 8000, "PCMU", [], null)]));
        var offer = Offer.Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1") +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n";
        var post = context.HttpRoutes.Routes["POST /whep/{**stream}"];
        var talk = await post(Request("POST", "/whep/camera/talk", new() { ["stream"] = "camera/talk" }, "application/sdp", offer, Viewer), CancellationToken.None);
        Assert.Equal(201, talk.StatusCode);
        var answer = await BodyAsync(talk);
        Assert.Contains("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n", answer);
        Assert.Contains("a=rtpmap:0 PCMU/8000", answer);
        var silent = await post(Request("POST", "/whep/camera/front", new() { ["stream"] = "camera/front" }, "application/sdp", offer, Viewer), CancellationToken.None);
        Assert.Equal(201, silent.StatusCode);
        Assert.Contains("m=audio 0 ", await BodyAsync(silent));
        await plugin.StopAsync(CancellationToken.None);
    }

    private static async Task<string> BodyAsync(PluginStreamResponse response)
    {
        using var body = new MemoryStream();
        await response.Body!(body, CancellationToken.None);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public async Task Grid_sub_stream_falls_back_to_main_and_unknown_streams_are_404()
    {
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        var post = context.HttpRoutes.Routes["POST /whep/{**stream}"];
        var sub = await post(Request("POST", "/whep/camera/front/sub", new() { ["stream"] = "camera/front/sub" }, "application/sdp", Offer, Viewer), CancellationToken.None);
        Assert.Equal(201, sub.StatusCode);
        var none = await post(Request("POST", "/whep/camera/back", new() { ["stream"] = "camera/back" }, "application/sdp", Offer, Viewer), CancellationToken.None);
        Assert.Equal(404, none.StatusCode);
        await plugin.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_h265_camera_for_a_browser_without_h265_is_served_from_its_h264_copy_asked_for_on_demand()
    {
        // Stands in for the media plugin (its own end-to-end tests make camera/{id}/h264 from a GStreamer H.265
        // camera): publishes the H.264 copy only once somebody subscribes to its name, as the media plugin does.
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        hub.Publish(new StreamDescriptor("camera/hevc", [new MediaTrack(0, MediaCodec.H265, 90000, "H265", [], null)]));
        hub.Publish(new StreamDescriptor("camera/plain-hevc", [new MediaTrack(0, MediaCodec.H265, 90000, "H265", [], null)]));
        using var producing = new CancellationTokenSource();
        IStreamPublisher? copy = null;
        var producer = Task.Run(async () =>
        {
            while (hub.SubscriberCount("camera/hevc/h264") == 0) await Task.Delay(50, producing.Token);
            copy = hub.Publish(new StreamDescriptor("camera/hevc/h264", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [[0x67, 0x42, 0xe0, 0x1f], [0x68, 0xce, 0x3c, 0x80]], null)]));
        });
        var post = context.HttpRoutes.Routes["POST /whep/{**stream}"];

        var served = await post(Request("POST", "/whep/camera/hevc", new() { ["stream"] = "camera/hevc" }, "application/sdp", Offer, Viewer), CancellationToken.None);
        Assert.Equal(201, served.StatusCode);
        var answer = await BodyAsync(served);
        Assert.Contains("a=rtpmap:102 H264/90000", answer);
        Assert.DoesNotContain("H265", answer);
        await producer;
        Assert.True(hub.SubscriberCount("camera/hevc/h264") > 0, "the viewer's feed follows the H.264 copy");

        // No H.264 copy comes (no media plugin making one): 406 saying so, after the bounded wait for it.
        var refused = await post(Request("POST", "/whep/camera/plain-hevc", new() { ["stream"] = "camera/plain-hevc" }, "application/sdp", Offer, Viewer), CancellationToken.None);
        Assert.Equal(406, refused.StatusCode);
        Assert.Contains("no H.264 copy of 'camera/plain-hevc' is available", await BodyAsync(refused));
        await producing.CancelAsync();
        copy?.Dispose();
        await plugin.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Whep_without_a_caller_is_401_with_a_challenge()
    {
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        var post = context.HttpRoutes.Routes["POST /whep/{**stream}"];
        var response = await post(Request("POST", "/whep/camera/front", new() { ["stream"] = "camera/front" }, "application/sdp", Offer, PluginCaller.Anonymous), CancellationToken.None);
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer", response.Headers["WWW-Authenticate"]);
        Assert.Empty(context.BoundPorts());
        await plugin.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Every_mapped_route_is_declared_in_the_manifest_with_viewer_access()
    {
        var (plugin, context, hub) = await StartAsync();
        await using var _ = context;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json")));
        var declared = manifest.RootElement.GetProperty("routes").EnumerateArray()
            .SelectMany(r => r.GetProperty("methods").EnumerateArray().Select(m => (m.GetString()!, r.GetProperty("path").GetString()!, r.GetProperty("access").GetString()!)))
            .ToList();
        foreach (var (method, template) in context.HttpRoutes.Routes.Keys.Select(k => k.Split(' ', 2)).Select(p => (p[0], p[1])))
            Assert.Contains(declared, d => d.Item1 == method && d.Item2 == template && d.Item3 == "viewer");
        Assert.Equal("1.1", manifest.RootElement.GetProperty("hostApi").GetString());
        await plugin.StopAsync(CancellationToken.None);
    }
}
