using System.Text;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>
/// Adding the appliance's RTSP outputs as cameras, the four documented steps (Network Optix, "Adding a Camera or RTSP
/// Stream Using API"; Nx Witness 4.2 apidoc of /api/manualCamera/search, status, add, stop) against a fake server that
/// plays a search finding the stream on its second status poll.
/// </summary>
public sealed class CameraRegistrationTests
{
    private const string ProcessUuid = "{7c5a4b1e-0f3d-4c58-9d2e-1a2b3c4d5e6f}";
    private static readonly Uri Stream = new("rtsp://192.168.1.20:8654/lobby");
    private static readonly SearchPolling Fast = new(TimeSpan.FromMilliseconds(10), 5);

    private static NxServer Server(int port) => new("127.0.0.1", port, "admin", "pw", TimeSpan.FromSeconds(10));

    /// <summary>The fake's manualCamera endpoints; <paramref name="findOnPoll"/> 0 never finds the stream.</summary>
    private static Func<FakeRequest, FakeResponse?> Nx(int findOnPoll, string? searchReply = null)
    {
        var polls = 0;
        return r => r.Path switch
        {
            "/api/manualCamera/search" => FakeResponse.Ok(searchReply ?? $$"""{"processUuid":"{{ProcessUuid}}","cameras":[],"status":{"state":0} }"""),
            "/api/manualCamera/status" when ++polls == findOnPoll || (findOnPoll > 0 && polls > findOnPoll) =>
                FakeResponse.Ok($$"""{"processUuid":"{{ProcessUuid}}","cameras":[{"name":"lobby","url":"{{Stream}}","uniqueId":"rtsp-lobby-1","manufacturer":"GENERIC_RTSP","existsInPool":false}]}"""),
            "/api/manualCamera/status" => FakeResponse.Ok($$"""{"processUuid":"{{ProcessUuid}}","cameras":[]}"""),
            "/api/manualCamera/add" => FakeResponse.Ok(),
            "/api/manualCamera/stop" => FakeResponse.Ok(),
            _ => new FakeResponse(404, "{}"),
        };
    }

    [Fact]
    public void The_validator_accepts_the_apidoc_add_example_itself()
    {
        var root = NxDocumentation.ValidateManualCameraAdd("POST", "/api/manualCamera/add", NxDocumentation.ManualCameraAddExample);
        Assert.Equal("00-1A-07-00-FF-FF", root.GetProperty("cameras")[0].GetProperty("uniqueId").GetString());
    }

    [Fact]
    public async Task A_stream_is_searched_polled_added_with_the_found_identity_and_the_search_stopped()
    {
        await using var server = new FakeNxServer(Nx(findOnPoll: 2));
        using var http = new NxHttp();
        var added = await new NxClient(http).RegisterRtspAsync(Server(server.Port), Stream, "viewer", "p&w=d", Fast, default);
        Assert.True(added.IsOk, added.ToString());
        Assert.Equal(new RegisteredCamera(Stream.ToString(), "rtsp-lobby-1", "GENERIC_RTSP"), added.Value);
        var r = server.Received;
        Assert.Equal(["/api/manualCamera/search", "/api/manualCamera/status", "/api/manualCamera/status", "/api/manualCamera/add", "/api/manualCamera/stop"], r.Select(x => x.Path));
        Assert.Equal("GET", r[0].Method);
        Assert.Equal(Stream.ToString(), r[0].Param("url"));
        Assert.Equal("viewer", r[0].Param("user"));
        Assert.Equal("p&w=d", r[0].Param("password"));
        Assert.All(r.Skip(1).Where(x => x.Path != "/api/manualCamera/add"), x => Assert.Equal(ProcessUuid, x.Param("uuid")));
        var body = NxDocumentation.ValidateManualCameraAdd(r[3].Method, r[3].Path, r[3].Body);
        Assert.Equal("viewer", body.GetProperty("user").GetString());
        Assert.Equal("p&w=d", body.GetProperty("password").GetString());
        var camera = body.GetProperty("cameras").EnumerateArray().Single();
        Assert.Equal("rtsp-lobby-1", camera.GetProperty("uniqueId").GetString());
        Assert.Equal(Stream.ToString(), camera.GetProperty("url").GetString());
        Assert.Equal("GENERIC_RTSP", camera.GetProperty("manufacturer").GetString());
        Assert.Equal("application/json; charset=utf-8", r[3].Headers["Content-Type"]);
        Assert.Equal("POST", r[4].Method);
    }

    [Fact]
    public async Task A_stream_the_search_never_finds_is_not_found_after_the_poll_bound_and_the_search_is_stopped()
    {
        await using var server = new FakeNxServer(Nx(findOnPoll: 0));
        using var http = new NxHttp();
        var added = await new NxClient(http).RegisterRtspAsync(Server(server.Port), Stream, null, null, Fast, default);
        Assert.Equal("not-found", added.Failure!.Code);
        Assert.Contains("after 5 polls", added.Failure.Message);
        Assert.Equal(5, server.Received.Count(x => x.Path == "/api/manualCamera/status"));
        Assert.Equal("/api/manualCamera/stop", server.Received[^1].Path);
        Assert.Null(server.Received[0].Param("user"));
        Assert.DoesNotContain(server.Received, x => x.Path == "/api/manualCamera/add");
    }

    [Theory]
    [InlineData("""{"cameras":[]}""")]
    [InlineData("""{"processUuid":7}""")]
    [InlineData("null")]
    public async Task A_search_reply_without_a_process_uuid_is_a_bad_reply(string reply)
    {
        await using var server = new FakeNxServer(Nx(findOnPoll: 1, reply));
        using var http = new NxHttp();
        var added = await new NxClient(http).RegisterRtspAsync(Server(server.Port), Stream, null, null, Fast, default);
        Assert.Equal("bad-reply", added.Failure!.Code);
        Assert.Contains("processUuid", added.Failure.Message);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task The_route_registers_each_url_and_answers_per_url_results()
    {
        await using var server = new FakeNxServer(Nx(findOnPoll: 1));
        using var http = new NxHttp();
        var nx = new ConfiguredServer("nx-main", Server(server.Port));
        var route = new CameraRegistrationRoute([nx], new NxClient(http), "viewer", "pw", Fast);
        var body = Encoding.UTF8.GetBytes($$"""{"urls":["{{Stream}}","rtsp://192.168.1.20:8654/elsewhere"]}""");
        var response = await route.HandleAsync(Request("nx-main", body), default);
        Assert.Equal(200, response.StatusCode);
        using var answer = JsonDocument.Parse(response.Body);
        Assert.Equal("nx-main", answer.RootElement.GetProperty("server").GetString());
        var results = answer.RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.True(results[0].GetProperty("ok").GetBoolean());
        Assert.Equal("rtsp-lobby-1", results[0].GetProperty("uniqueId").GetString());
        Assert.True(results[1].GetProperty("ok").GetBoolean(), "the search of a URL finds the stream at that URL (the fake finds the same one for any URL)");
        var unknown = await route.HandleAsync(Request("other", body), default);
        Assert.Equal(404, unknown.StatusCode);
        var byAddress = await route.HandleAsync(Request($"127.0.0.1:{server.Port}", body), default);
        Assert.Equal(404, byAddress.StatusCode);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("[]", "body must be")]
    [InlineData("""{"urls":[]}""", "1 to 64")]
    [InlineData("""{"urls":["http://x/y"]}""", "urls[0]: an absolute rtsp:// URL")]
    [InlineData("""{"urls":["rtsp://ok/a", 5]}""", "urls[1]")]
    [InlineData("""{"urls":["relative/path"]}""", "urls[0]")]
    public void Bad_route_bodies_are_named(string body, string message)
    {
        var result = CameraRegistrationRoute.ReadUrls(Encoding.UTF8.GetBytes(body));
        Assert.Equal("bad-body", result.Failure!.Code);
        Assert.Contains(message, result.Failure.Message);
    }

    private static PluginHttpRequest Request(string name, byte[] body) => new(
        "POST", $"/plugins/appliance.nxwitness/servers/{name}/register-cameras", new Dictionary<string, string> { ["name"] = name },
        new Dictionary<string, string>(), new Dictionary<string, string>(), body, "admin");
}
