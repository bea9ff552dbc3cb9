using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Xunit.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.EndToEnd;

/// <summary>A second, independent WebRTC implementation (aiortc: aioice, pyOpenSSL DTLS, libsrtp, PyAV) decodes the demo camera.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AiortcPlaybackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_camera_is_decoded_by_aiortc()
    {
        await using var camera = await CameraFeed.StartAsync();
        using var viewer = AiortcPeer.Start(frames: 10);
        var offer = await viewer.OfferAsync();
        var created = await WebRtcPeerSession.CreateAsync("aiortc", Encoding.UTF8.GetBytes(offer), new MediaSourceDescription("H264", null),
            new WebRtcSessionOptions(DtlsCertificate.Generate()));
        Assert.True(created.IsOk, created.Failure?.ToString());
        await using var session = created.Value;
        camera.Feed.Attach(session);
        await viewer.AnswerAsync(session.AnswerSdp);

        var decoded = await viewer.WaitForFramesAsync(10, TimeSpan.FromSeconds(60));
        output.WriteLine($"aiortc: {viewer.Frames} frames; appliance: {session.Snapshot()}\n{viewer.Log}");
        Assert.True(decoded, $"aiortc decoded {viewer.Frames} frames\n{viewer.Log}\n{session.Snapshot()}");
        Assert.Contains("FRAME 1 640x360", viewer.Log);
    }
}
