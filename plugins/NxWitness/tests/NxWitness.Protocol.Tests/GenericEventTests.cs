using Appliance.Abstractions.Events;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>
/// Generic events against the documented format (<see cref="NxDocumentation"/>): the Nx Witness 4.2 apidoc of
/// <c>GET /api/createEvent</c> (source, caption, description, timestamp, metadata.cameraRefs, state) and the user
/// manual's "Generic Event" / "Basic Parameters" section. One fixture per documented example.
/// </summary>
public sealed class GenericEventTests
{
    private static NxServer Server(int port) => new("127.0.0.1", port, "admin", "secret", TimeSpan.FromSeconds(10));

    private static async Task<Dictionary<string, string>> SendAndValidateAsync(GenericEvent genericEvent)
    {
        await using var server = new FakeNxServer(_ => FakeResponse.Ok());
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(server.Port), genericEvent, default);
        Assert.True(sent.IsOk, sent.ToString());
        return NxDocumentation.ValidateCreateEvent(Assert.Single(server.Received));
    }

    [Fact]
    public void The_validator_accepts_the_apidoc_example_itself()
    {
        var example = new Uri(NxDocumentation.CreateEventExample);
        var request = new FakeRequest("GET", example.AbsolutePath, FakeNxServer.Query(example.Query.TrimStart('?')), new Dictionary<string, string>(), "", example.PathAndQuery);
        var parameters = NxDocumentation.ValidateCreateEvent(request);
        Assert.Equal("CreditCardUsed", parameters["caption"]);
        Assert.Equal(2, NxDocumentation.CameraRefs(parameters).Count);
    }

    [Fact]
    public async Task Fixture_apidoc_example_credit_card_used_with_two_camera_refs()
    {
        var refs = new[] { "3A4AD4EA-9269-4B1F-A7AA-2CEC537D0248", "3A4AD4EA-9269-4B1F-A7AA-2CEC537D0240" };
        var at = new DateTimeOffset(2016, 9, 16, 16, 2, 41, TimeSpan.Zero);
        var parameters = await SendAndValidateAsync(new GenericEvent("", "CreditCardUsed", "", at, refs));
        Assert.Equal("CreditCardUsed", parameters["caption"]);
        Assert.Equal(refs, NxDocumentation.CameraRefs(parameters));
        Assert.Equal(at.ToUnixTimeMilliseconds().ToString(), parameters["timestamp"]);
        Assert.False(parameters.ContainsKey("state"), "an instant event has no state");
    }

    [Fact]
    public async Task Fixture_user_manual_metadata_is_exactly_the_cameraRefs_object()
    {
        var manual = Uri.UnescapeDataString(NxDocumentation.ManualMetadataExample).Replace("<id>", "d1b0b0e3-7a44-4b8a-9b0e-2f1f0c6d9a11");
        var parameters = await SendAndValidateAsync(new GenericEvent("door", "open", "", DateTimeOffset.UtcNow, ["d1b0b0e3-7a44-4b8a-9b0e-2f1f0c6d9a11"]));
        Assert.Equal(manual, parameters["metadata"]);
    }

    [Fact]
    public async Task Fixture_sample_payload_source_caption_description_and_long_event_state()
    {
        var parameters = await SendAndValidateAsync(new GenericEvent("Source", "Caption", "Description", DateTimeOffset.UtcNow, [], GenericEventState.Active));
        Assert.Equal("Source", parameters["source"]);
        Assert.Equal("Caption", parameters["caption"]);
        Assert.Equal("Description", parameters["description"]);
        Assert.Equal("Active", parameters["state"]);
        Assert.False(parameters.ContainsKey("metadata"), "no camera refs, no metadata");
    }

    [Theory]
    [InlineData("a&caption=forged&state=Active")]
    [InlineData("line\r\nX-Injected: 1\u0000\u001b")]
    [InlineData("{\"cameraRefs\":[\"x\"]} % + # ? / 漢 😀")]
    [InlineData("lone \ud800 surrogate")]
    public async Task Hostile_text_arrives_as_one_clean_value_of_its_own_parameter(string text)
    {
        var parameters = await SendAndValidateAsync(new GenericEvent(text, text, text, DateTimeOffset.UtcNow, [text, "\"]}"]));
        var clean = GenericEvent.Clean(text, GenericEvent.MaxTextLength);
        Assert.Equal(clean, parameters["source"]);
        Assert.Equal(clean, parameters["caption"]);
        Assert.Equal(clean, parameters["description"]);
        Assert.Contains("\"]}", NxDocumentation.CameraRefs(parameters));
    }

    [Fact]
    public async Task Long_text_and_many_camera_refs_are_cut_to_their_bounds()
    {
        var refs = Enumerable.Range(0, 100).Select(i => $"cam-{i}-" + new string('x', 100)).ToList();
        var parameters = await SendAndValidateAsync(new GenericEvent(new string('s', 5000), "c", new string('d', 100_000), DateTimeOffset.UtcNow, refs));
        Assert.Equal(GenericEvent.MaxTextLength, parameters["source"].Length);
        Assert.Equal(GenericEvent.MaxTextLength, parameters["description"].Length);
        var sent = NxDocumentation.CameraRefs(parameters);
        Assert.Equal(GenericEvent.MaxCameraRefs, sent.Count);
        Assert.All(sent, r => Assert.Equal(GenericEvent.MaxCameraRefLength, r.Length));
    }

    [Fact]
    public void A_rule_action_maps_to_source_caption_description_camera_refs_and_time()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 20, 30, TimeSpan.FromHours(2));
        var action = new RuleActionRequested("r1", "Lobby motion", 0, "vms", "nx", new Dictionary<string, string>
        {
            ["caption"] = "Motion",
            ["cameraRefs"] = " 3A4AD4EA-9269-4B1F-A7AA-2CEC537D0248 , ,b ",
            ["state"] = "Inactive",
        }, [], Guid.NewGuid(), "MotionDetected", at, "lobby", null, "door");
        var e = GenericEvents.For(action);
        Assert.Equal("Appliance", e.Source);
        Assert.Equal("Motion", e.Caption);
        Assert.Equal("MotionDetected at lobby (door)", e.Description);
        Assert.Equal(["3A4AD4EA-9269-4B1F-A7AA-2CEC537D0248", "b"], e.CameraRefs);
        Assert.Equal(GenericEventState.Inactive, e.State);
        Assert.Equal(at, e.Timestamp);
        var bare = GenericEvents.For(action with { Parameters = new Dictionary<string, string>(), CameraId = null, Input = "in1", Region = null });
        Assert.Equal("Lobby motion", bare.Caption);
        Assert.Equal("MotionDetected at in1", bare.Description);
        Assert.Empty(bare.CameraRefs);
        Assert.Equal(GenericEventState.Instant, bare.State);
    }
}
