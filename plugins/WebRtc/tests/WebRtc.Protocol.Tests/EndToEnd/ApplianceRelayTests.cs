using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Plugins.WebRtc.Protocol.Turn;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.EndToEnd;

/// <summary>
/// The appliance's own TURN allocation is the only way in: Chromium runs in its own network namespace with coturn as
/// its STUN server only (no TURN: its candidates are its mDNS host and its server-reflexive address), nftables there
/// drops every UDP datagram to the appliance's address except to coturn's STUN and relay ports, and the appliance reaches coturn over loopback (UDP, TCP or TLS) with its
/// configured credential. Video plays, both sides name the path "relay", and nftables counted the direct tries.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApplianceRelayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TurnTransport.Udp)]
    [InlineData(TurnTransport.Tcp)]
    [InlineData(TurnTransport.Tls)]
    public async Task Video_plays_through_the_appliances_own_relay_when_only_the_relay_path_works(TurnTransport transport)
    {
        var folder = Directory.CreateTempSubdirectory("appl-webrtc-relay-").FullName;
        try
        {
            using var ns = ViewerNamespace.Create();
            using var pki = TestPki.Create(folder, "turn");
            var pem = pki.Server("turn");
            using var turn = await Coturn.StartAsync(TurnRelay.Options() with
            {
                ListeningIps = [IPAddress.Loopback, IPAddress.Parse(ns.ApplianceAddress)],
                RelayIp = IPAddress.Parse(ns.ApplianceAddress),
                Tls = pem,
            });
            ns.Nft($$"""
                table inet appl_webrtc_block {
                  chain out {
                    type filter hook output priority 0; policy accept;
                    ip daddr {{ns.ApplianceAddress}} udp dport != { {{turn.Port}}, 40000-40999 } counter drop
                  }
                }
                """);
            await using var camera = await CameraFeed.StartAsync();
            await using var chromium = await ChromiumPeer.LaunchAsync(ns.ChromiumWrapper);
            var pin = transport == TurnTransport.Tls ? Sha256OfPem(pem.Certificate) : null;
            var port = transport == TurnTransport.Tls ? turn.TlsPort!.Value : turn.Port;
            var options = new WebRtcSessionOptions(DtlsCertificate.Generate())
            {
                HostAddresses = [IPAddress.Parse(ns.ApplianceAddress)],
                // Outside coturn's relay ports, which the viewer's firewall lets through.
                Ports = new UdpPortRange(52000, 52999),
                IceServers = [new IceServer(IceServerKind.Turn, "127.0.0.1", port, transport, TurnRelay.User, "p", pin)],
            };
            // STUN only: the browser's server-reflexive address is what the appliance permits on its relay.
            var offer = await chromium.CreateOfferAsync($$"""[{"urls":"stun:{{ns.ApplianceAddress}}:{{turn.Port}}"}]""", "all");
            Assert.Contains($"{ns.ViewerAddress} ", offer);
            Assert.DoesNotContain("typ relay", offer);
            var created = await WebRtcPeerSession.CreateAsync("viewer-appliance-relay", Encoding.UTF8.GetBytes(offer), new MediaSourceDescription("H264", null), options);
            Assert.True(created.IsOk, created.Failure?.ToString());
            await using var session = created.Value;
            Assert.Empty(session.GatherProblems);
            Assert.Contains(session.LocalCandidates, c => c.Type == "relay");
            Assert.Contains("typ relay", session.AnswerSdp);
            camera.Feed.Attach(session);
            await chromium.SetAnswerAsync(session.AnswerSdp);

            var clock = Stopwatch.StartNew();
            var stats = await chromium.StatsAsync();
            while (stats.FramesDecoded <= 10 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(300);
                stats = await chromium.StatsAsync();
            }
            var snapshot = session.Snapshot();
            output.WriteLine($"chromium: {stats}; appliance: {snapshot}; candidates: {string.Join(", ", session.LocalCandidates)}");
            Assert.True(stats.FramesDecoded > 10, $"decoded {stats.FramesDecoded}; {snapshot}\n{turn.Log()}");
            Assert.NotEqual("relay", stats.LocalCandidateType);
            Assert.Equal("relay", stats.RemoteCandidateType);
            Assert.Equal(ConnectionPath.Relay, snapshot.Path);
            var dropped = ns.CounterPackets("appl_webrtc_block");
            output.WriteLine($"direct UDP datagrams dropped by nftables: {dropped}");
            Assert.True(dropped > 0, "nftables dropped nothing: the direct host path was never tried, so the test proves nothing");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Sha256OfPem(string path)
    {
        var text = File.ReadAllText(path);
        var found = PemEncoding.Find(text);
        return Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(text[found.Base64Data])));
    }
}
