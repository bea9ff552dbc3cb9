using System.Diagnostics;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Srtp;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.EndToEnd;

/// <summary>
/// The demo camera (GStreamer, H.264) plays in headless Chromium over our ICE-lite + DTLS + SRTP stack: the
/// browser's getStats() reports decoded frames. Run under the shared heavy lock (Chromium + an encoder).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ChromiumPlaybackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Demo_camera_plays_in_chromium_with_frames_decoded(SrtpProfile profile)
    {
        await using var camera = await CameraFeed.StartAsync();
        await using var chromium = await ChromiumPeer.LaunchAsync();
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate()) { SrtpProfiles = [profile] };

        var (stats, snapshot) = await PlayAsync(camera, chromium, "viewer-1", await chromium.CreateOfferAsync("[]"), options);
        Assert.True(stats.FramesDecoded > 10, $"Chromium decoded {stats.FramesDecoded} frames; session {snapshot}");
        Assert.Equal(SessionState.Connected, snapshot.State);
        Assert.Equal(profile.ToString(), snapshot.SrtpProfile);
        Assert.Equal(ConnectionPath.Lan, snapshot.Path);
    }

    [Fact]
    public async Task Demo_camera_plays_through_coturn_relay_and_the_path_is_relay()
    {
        using var turn = await Coturn.StartAsync(TurnRelay.Options());
        await using var camera = await CameraFeed.StartAsync();
        await using var chromium = await ChromiumPeer.LaunchAsync();
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate());

        // Relay only: the browser may reach the appliance solely through its TURN allocation on coturn.
        var offer = await chromium.CreateOfferAsync(turn.IceServersJson(TurnRelay.User), "relay");
        Assert.Contains("typ relay", offer);
        var (stats, snapshot) = await PlayAsync(camera, chromium, "viewer-relay", offer, options);
        Assert.True(stats.FramesDecoded > 10, $"Chromium decoded {stats.FramesDecoded} frames through the relay; session {snapshot}");
        Assert.Equal("relay", stats.LocalCandidateType);
        Assert.Equal(ConnectionPath.Relay, snapshot.Path);
    }

    [Fact]
    public async Task G711_audio_from_the_camera_passes_through_to_chromium_next_to_the_video()
    {
        await using var camera = await CameraFeed.StartAsync("--width 640 --height 360 --audio pcmu");
        await using var chromium = await ChromiumPeer.LaunchAsync();
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate());
        var offer = await chromium.CreateOfferAsync("[]");
        var created = await WebRtcPeerSession.CreateAsync("viewer-audio", Encoding.UTF8.GetBytes(offer), new MediaSourceDescription("H264", "PCMU"), options);
        Assert.True(created.IsOk, created.Failure?.ToString());
        await using var session = created.Value;
        Assert.Contains("PCMU/8000", session.AnswerSdp);
        Assert.NotNull(session.Negotiated.AudioPayloadType);
        camera.Feed.Attach(session);
        await chromium.SetAnswerAsync(session.AnswerSdp);

        var stats = await PollAsync(chromium, s => s.FramesDecoded > 10 && s.AudioPacketsReceived > 25 && s.AudioSamplesReceived > 8000);
        output.WriteLine($"chromium: {stats}; camera audio units: {camera.AudioUnits}; appliance: {session.Snapshot()}");
        Assert.True(camera.AudioUnits > 0, "the camera sent no G.711: the test proves nothing");
        Assert.True(stats.FramesDecoded > 10, $"video: {stats}");
        Assert.True(stats.AudioPacketsReceived > 25 && stats.AudioSamplesReceived > 8000, $"audio: {stats}");
    }

    /// <summary>
    /// Answers the browser's offer with a session the camera feeds (video only) and waits for more than 10 decoded
    /// frames; the browser's stats and the session's state after them.
    /// </summary>
    private async Task<(VideoStats Stats, SessionSnapshot Snapshot)> PlayAsync(CameraFeed camera, ChromiumPeer chromium, string viewer, string offer, WebRtcSessionOptions options)
    {
        var created = await WebRtcPeerSession.CreateAsync(viewer, Encoding.UTF8.GetBytes(offer), new MediaSourceDescription("H264", null), options);
        Assert.True(created.IsOk, created.Failure?.ToString());
        await using var session = created.Value;
        camera.Feed.Attach(session);
        await chromium.SetAnswerAsync(session.AnswerSdp);
        var stats = await PollAsync(chromium, s => s.FramesDecoded > 10);
        var snapshot = session.Snapshot();
        output.WriteLine($"chromium: {stats}; appliance: {snapshot}");
        return (stats, snapshot);
    }

    private static Task<VideoStats> PollAsync(ChromiumPeer chromium, Func<VideoStats, bool> done) =>
        Eventually.UntilAsync(chromium.StatsAsync, done, Deadline, TimeSpan.FromMilliseconds(250));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "webrtc-end-to-end";
}
