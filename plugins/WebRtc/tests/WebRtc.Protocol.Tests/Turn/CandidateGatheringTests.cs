using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Plugins.WebRtc.Protocol.Tests.Unit;
using Appliance.Plugins.WebRtc.Protocol.Turn;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Turn;

/// <summary>A session gathers srflx from coturn as STUN server and relay from coturn as TURN server; a dead or refusing server is left out and named.</summary>
public sealed class CandidateGatheringTests
{
    [Fact]
    public async Task Answer_carries_host_srflx_and_relay_candidates_and_names_the_servers_that_gave_none()
    {
        using var stun = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Loopback));
        using var turn = await Coturn.StartAsync(TurnRelay.Options());
        using var silent = new HostileTurnServer(_ => []);
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate())
        {
            // Bound to every interface but announced as 127.0.0.2: the STUN server sees 127.0.0.1, a different (reflexive) address.
            BindAddress = IPAddress.Any,
            HostAddresses = [IPAddress.Parse("127.0.0.2")],
            IceServers =
            [
                new IceServer(IceServerKind.Stun, "127.0.0.1", stun.Port, TurnTransport.Udp),
                new IceServer(IceServerKind.Turn, "127.0.0.1", turn.Port, TurnTransport.Udp, TurnRelay.User, "p"),
                new IceServer(IceServerKind.Turn, "127.0.0.1", turn.Port, TurnTransport.Tcp, TurnRelay.User, "wrong"),
                new IceServer(IceServerKind.Stun, "127.0.0.1", silent.EndPoint.Port, TurnTransport.Udp),
            ],
            GatherTimeout = TimeSpan.FromSeconds(1.5),
        };
        var created = await WebRtcPeerSession.CreateAsync("gather", Encoding.UTF8.GetBytes(WhepServiceTests.Offer()), new MediaSourceDescription("H264", null), options);
        Assert.True(created.IsOk, created.Failure?.ToString());
        await using var session = created.Value;
        var port = session.LocalEndPoint.Port;
        Assert.Contains(session.LocalCandidates, c => c.Type == "host" && c.EndPoint.Equals(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port)));
        Assert.Contains(session.LocalCandidates, c => c.Type == "srflx" && c.EndPoint.Equals(new IPEndPoint(IPAddress.Loopback, port)));
        var relay = Assert.Single(session.LocalCandidates, c => c.Type == "relay");
        Assert.InRange(relay.EndPoint.Port, 40000, 40999);
        Assert.Contains($"127.0.0.1 {port} typ srflx", session.AnswerSdp);
        Assert.Contains($"{relay.EndPoint.Address} {relay.EndPoint.Port} typ relay", session.AnswerSdp);
        // Priorities follow RFC 8445: host over srflx over relay.
        Assert.True(session.LocalCandidates.Single(c => c.Type == "host").Priority > session.LocalCandidates.Single(c => c.Type == "srflx").Priority);
        Assert.True(session.LocalCandidates.Single(c => c.Type == "srflx").Priority > relay.Priority);
        Assert.Equal(2, session.GatherProblems.Count);
        Assert.Contains(session.GatherProblems, p => p.Contains("401", StringComparison.Ordinal) && p.Contains("transport=tcp", StringComparison.Ordinal));
        Assert.Contains(session.GatherProblems, p => p.Contains($"stun:127.0.0.1:{silent.EndPoint.Port}", StringComparison.Ordinal) && p.Contains("no Binding answer", StringComparison.Ordinal));
    }
}
