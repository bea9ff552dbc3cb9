using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Plugins.Rtsp.Tests.Shared;
using Appliance.Testing;

namespace Appliance.Cameras.Tests;

/// <summary>The real host with its RTSP ingest plugin (the probe lives there), shared by the proof tests.</summary>
public sealed class ProvingHost : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest));
        await Host.LoginAsync();
        await Host.UntilPluginRunningAsync("appliance.rtsp");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Issue 15 item 2, "cameras prove themselves", through the API: Add and PUT play the stream to a keyframe first
/// (the RTSP plugin's probe), refuse with the reason when it does not play, and keep what the probe found; Test
/// reports the same probe. Real GStreamer cameras, a scripted server that never sends video, hostile peers.
/// </summary>
public sealed class CameraProofTests(ProvingHost proving) : IClassFixture<ProvingHost>
{
    private HttpClient Client => proving.Host.Client;

    private async Task<(HttpStatusCode Status, JsonElement Body)> AddAsync(object camera, bool force = false)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/cameras" + (force ? "?force=true" : ""), camera);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<List<string>> NamesAsync() =>
        (await Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras")).EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();

    private static string Facts(JsonElement stream) =>
        $"{stream.GetProperty("codec").GetString()!.ToLowerInvariant()},{stream.GetProperty("width").GetInt32()},{stream.GetProperty("height").GetInt32()},{stream.GetProperty("fps").GetDouble().ToString(CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task A_good_stream_is_added_with_the_codec_size_and_rate_ffprobe_sees_and_test_says_the_same()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360 --fps 20", path: "/good");
        var (status, added) = await AddAsync(new { name = "Proof good", streamUri = camera.Url });

        Assert.Equal(HttpStatusCode.Created, status);
        var stream = added.GetProperty("stream");
        Assert.Equal(await Probe.VideoWithRateAsync(camera.Url), Facts(stream));
        Assert.Equal("tcp", stream.GetProperty("transport").GetString());

        var id = added.GetProperty("id").GetString();
        var checks = await (await Client.PostAsync($"/api/v1/cameras/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var row = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-stream");
        Assert.Equal("Pass", row.GetProperty("status").GetString());
        Assert.Equal("The stream plays: H264 640x360, 20 fps, TCP.", row.GetProperty("detail").GetString());
        // OPTIONS alone is no longer the test: the probe replaced it.
        Assert.DoesNotContain(checks.EnumerateArray(), c => c.GetProperty("name").GetString() == "camera-rtsp");
    }

    [Fact]
    public async Task A_wrong_path_is_refused_with_the_describe_404_reason_unless_forced_and_test_then_names_it()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180", path: "/right");
        var wrong = camera.Url.Replace("/right", "/wrong", StringComparison.Ordinal);

        var (status, problem) = await AddAsync(new { name = "Proof wrong path", streamUri = wrong });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("path", problem.GetProperty("code").GetString());
        Assert.StartsWith("The camera has no stream at this path (DESCRIBE answered 404).", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Proof wrong path", await NamesAsync());

        var (forcedStatus, forced) = await AddAsync(new { name = "Proof wrong path", streamUri = wrong }, force: true);
        Assert.Equal(HttpStatusCode.Created, forcedStatus);
        Assert.Equal(JsonValueKind.Null, forced.GetProperty("stream").ValueKind);
        var id = forced.GetProperty("id").GetString();
        var checks = await (await Client.PostAsync($"/api/v1/cameras/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var row = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-stream");
        Assert.Equal(("Fail", "The camera has no stream at this path (DESCRIBE answered 404)."), (row.GetProperty("status").GetString(), row.GetProperty("detail").GetString()));

        // Editing it to the right path proves it; back to a wrong one is refused and changes nothing.
        using (var fixedPath = await Client.PutAsJsonAsync($"/api/v1/cameras/{id}", new { name = "Proof wrong path", streamUri = camera.Url }))
        {
            Assert.Equal(HttpStatusCode.OK, fixedPath.StatusCode);
            Assert.Equal(320, (await fixedPath.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stream").GetProperty("width").GetInt32());
        }
        using (var broken = await Client.PutAsJsonAsync($"/api/v1/cameras/{id}", new { name = "Proof wrong path", streamUri = wrong }))
        {
            Assert.Equal((HttpStatusCode)422, broken.StatusCode);
            Assert.Equal("path", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        Assert.Equal(camera.Url, (await Client.GetFromJsonAsync<JsonElement>($"/api/v1/cameras/{id}")).GetProperty("streamUri").GetString());
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_the_auth_reason()
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180 --user admin --password right", path: "/locked");

        var (status, problem) = await AddAsync(new { name = "Proof locked", streamUri = camera.Url, username = "admin", password = "wrong" });
        var (rightStatus, _) = await AddAsync(new { name = "Proof unlocked", streamUri = camera.Url, username = "admin", password = "right" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("auth", problem.GetProperty("code").GetString());
        Assert.StartsWith("The camera refused the user name and password (DESCRIBE answered 401).", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("wrong", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, rightStatus);
    }

    [Fact]
    public async Task A_server_that_answers_describe_but_never_sends_video_is_the_keyframe_timeout()
    {
        using var server = new ScriptedRtspServer((_, _) => null);

        var (status, problem) = await AddAsync(new { name = "Proof silent", streamUri = server.Url });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("no-keyframe", problem.GetProperty("code").GetString());
        Assert.StartsWith("The stream started, but no video keyframe arrived within 10 s.", problem.GetProperty("detail").GetString());
        Assert.Contains(server.Requests, r => r.StartsWith("PLAY ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("oversized")]
    public async Task Hostile_answers_are_a_clear_refusal_and_nothing_already_there_is_lost(string kind)
    {
        using var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 320 --height 180", path: "/kept");
        var (keptStatus, kept) = await AddAsync(new { name = $"Proof kept {kind}", streamUri = camera.Url });
        Assert.Equal(HttpStatusCode.Created, keptStatus);
        var answer = kind switch
        {
            "garbage" => "\u0000\u0001\u0002 not RTSP at all\r\n\r\n",
            "truncated" => "RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Le",
            _ => "RTSP/1.0 200 OK\r\nCSeq: 1\r\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"X-Filler-{i}: {new string('z', 200)}\r\n")),
        };
        await using var hostile = new RecordingTcpServer(_ => Encoding.Latin1.GetBytes(answer), readToEnd: false);
        var before = await NamesAsync();

        var (status, problem) = await AddAsync(new { name = $"Proof hostile {kind}", streamUri = $"rtsp://127.0.0.1:{hostile.Port}/cam" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("unreachable", problem.GetProperty("code").GetString());
        Assert.StartsWith("No RTSP camera answered at this address.", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await NamesAsync());
        Assert.False(proving.Host.HasExited);
        // The camera already there still proves itself.
        var checks = await (await Client.PostAsync($"/api/v1/cameras/{kept.GetProperty("id").GetString()}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var row = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-stream");
        Assert.True(row.GetProperty("status").GetString() == "Pass", row.ToString());
    }
}
