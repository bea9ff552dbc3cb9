using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.EndToEnd;

/// <summary>
/// Browser and appliance in separate network namespaces; nftables in the viewer's namespace drops every UDP
/// datagram to the appliance except to coturn's port. ICE policy "all": the direct host path fails, video still
/// plays through TURN, and the appliance names the path "relay".
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BlockedUdpRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Video_plays_through_turn_when_direct_udp_is_dropped()
    {
        using var ns = ViewerNamespace.Create();
        using var turn = await Coturn.StartAsync(TurnRelay.Options(ns.ApplianceAddress));
        ns.Nft($$"""
            table inet appl_webrtc_block {
              chain out {
                type filter hook output priority 0; policy accept;
                ip daddr {{ns.ApplianceAddress}} udp dport != {{turn.Port}} counter drop
              }
            }
            """);
        await using var camera = await CameraFeed.StartAsync();
        await using var chromium = await ChromiumPeer.LaunchAsync(ns.ChromiumWrapper);
        // The appliance announces its veth address (reachable only if UDP were allowed) and loopback (where coturn relays from).
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate())
        {
            HostAddresses = [IPAddress.Parse(ns.ApplianceAddress), IPAddress.Loopback],
        };
        var offer = await chromium.CreateOfferAsync(turn.IceServersJson(TurnRelay.User), "all");
        var created = await WebRtcPeerSession.CreateAsync("viewer-blocked", Encoding.UTF8.GetBytes(offer), new MediaSourceDescription("H264", null), options);
        Assert.True(created.IsOk, created.Failure?.ToString());
        await using var session = created.Value;
        camera.Feed.Attach(session);
        await chromium.SetAnswerAsync(session.AnswerSdp);

        var stats = await Eventually.UntilAsync(chromium.StatsAsync, s => s.FramesDecoded > 10, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(300));
        var snapshot = session.Snapshot();
        output.WriteLine($"chromium: {stats}; appliance: {snapshot}");
        Assert.True(stats.FramesDecoded > 10, $"decoded {stats.FramesDecoded}; {snapshot}");
        Assert.Equal("relay", stats.LocalCandidateType);
        Assert.Equal(ConnectionPath.Relay, snapshot.Path);
        // Negative control: the browser did try the direct path, and the firewall dropped it.
        var dropped = ns.CounterPackets("appl_webrtc_block");
        output.WriteLine($"direct UDP datagrams dropped by nftables: {dropped}");
        Assert.True(dropped > 0, "nftables dropped nothing: the direct path was never tried, so the test proves nothing");
    }
}
