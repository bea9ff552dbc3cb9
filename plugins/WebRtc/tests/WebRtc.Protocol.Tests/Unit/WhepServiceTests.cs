using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Ice;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Appliance.Plugins.WebRtc.Protocol.Whep;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

/// <summary>The WHEP resource logic with real sockets and no browser: statuses, headers, hostile datagrams, abandoned sessions.</summary>
public sealed class WhepServiceTests
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();

    internal static string Offer(string ufrag = "abcd") =>
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:" + ufrag + "\r\na=ice-pwd:0123456789012345678901234\r\n" +
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
        "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
        "a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";

    private static WhepService Service(WebRtcSessionOptions? options = null, int maxSessions = 64)
    {
        var feed = new VideoFeed();
        return new WhepService(name => name == "camera/demo" ? new WhepStream(name, new MediaSourceDescription("H264", null), feed) : null,
            options ?? new WebRtcSessionOptions(Certificate), "/whep-resource/", maxSessions);
    }

    [Fact]
    public async Task Post_answers_201_with_location_etag_and_sdp_then_patch_and_delete()
    {
        await using var whep = Service();
        var created = await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer()));
        Assert.Equal(201, created.Status);
        Assert.Equal("application/sdp", created.ContentType);
        Assert.StartsWith("/whep-resource/", created.Headers["Location"]);
        Assert.Contains("a=ice-lite", Encoding.UTF8.GetString(created.Body!));
        var id = created.Headers["Location"]["/whep-resource/".Length..];
        var etag = created.Headers["ETag"];

        Assert.Equal(204, whep.Patch(id, "application/trickle-ice-sdpfrag", etag, Encoding.UTF8.GetBytes("a=candidate:1 1 udp 1 127.0.0.1 9 typ relay\r\n")).Status);
        Assert.Equal(412, whep.Patch(id, "application/trickle-ice-sdpfrag", "\"other\"", []).Status);
        Assert.Equal(415, whep.Patch(id, "application/sdp", null, []).Status);
        Assert.Equal(405, whep.Patch(id, "application/trickle-ice-sdpfrag", null, Encoding.UTF8.GetBytes("a=ice-ufrag:x\r\na=ice-pwd:y\r\n")).Status);
        Assert.Equal(404, whep.Patch("nope", "application/trickle-ice-sdpfrag", null, []).Status);
        Assert.Equal(200, (await whep.DeleteAsync(id)).Status);
        Assert.Equal(404, (await whep.DeleteAsync(id)).Status);
        Assert.Equal(0, whep.SessionCount);
    }

    [Fact]
    public async Task Bad_requests_get_clear_statuses()
    {
        await using var whep = Service();
        Assert.Equal(415, (await whep.OfferAsync("camera/demo", "text/plain", Encoding.UTF8.GetBytes(Offer()))).Status);
        Assert.Equal(415, (await whep.OfferAsync("camera/demo", null, Encoding.UTF8.GetBytes(Offer()))).Status);
        Assert.Equal(404, (await whep.OfferAsync("camera/none", "application/sdp", Encoding.UTF8.GetBytes(Offer()))).Status);
        Assert.Equal(400, (await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes("v=0\r\nnonsense"))).Status);
        Assert.Equal(413, (await whep.OfferAsync("camera/demo", "application/sdp", new byte[200_000])).Status);
        var vp8 = Offer().Replace("H264/90000", "VP8/90000");
        var noCodec = await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(vp8));
        Assert.Equal(406, noCodec.Status);
        Assert.Contains("no video codec in common", Encoding.UTF8.GetString(noCodec.Body!));
        Assert.Equal(0, whep.SessionCount);
    }

    [Fact]
    public async Task Session_limit_answers_503_with_retry_after()
    {
        await using var whep = Service(maxSessions: 2);
        Assert.Equal(201, (await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer()))).Status);
        Assert.Equal(201, (await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer()))).Status);
        var third = await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer()));
        Assert.Equal(503, third.Status);
        Assert.Equal("10", third.Headers["Retry-After"]);
    }

    [Fact]
    public async Task Hundred_abandoned_sessions_end_by_themselves_and_release_their_ports()
    {
        var options = new WebRtcSessionOptions(Certificate) { ConnectTimeout = TimeSpan.FromSeconds(5), SenderReportInterval = TimeSpan.FromMilliseconds(200) };
        await using var whep = Service(options, maxSessions: 200);
        var before = OpenUdpPorts();
        for (var i = 0; i < 100; i++) Assert.Equal(201, (await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer()))).Status);
        Assert.True(whep.SessionCount > 0);
        Assert.Equal(0, await Eventually.ReadUntilAsync(() => whep.SessionCount, n => n == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200)));
        var after = OpenUdpPorts();
        Assert.True(after <= before + 5, $"UDP sockets before {before}, after {after}");
    }

    [Fact]
    public async Task Hostile_datagrams_are_dropped_and_the_session_still_answers_a_valid_check()
    {
        await using var whep = Service();
        var created = await whep.OfferAsync("camera/demo", "application/sdp", Encoding.UTF8.GetBytes(Offer("remt")));
        var id = created.Headers["Location"]["/whep-resource/".Length..];
        var session = whep.Find(id)!;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, session.LocalEndPoint.Port);
        var random = new Random(7983);
        for (var i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = (byte)(i % 3 == 0 ? 1 : i % 3 == 1 ? 22 : 0x80); // looks like STUN, DTLS, RTP
            await client.SendAsync(junk, target);
            if (i % 10 == 9) await Task.Delay(5); // paced: a burst would overflow the socket buffer and measure the kernel instead
        }
        // A check with the wrong password, then a fuzzed DTLS record sequence from an unvalidated address.
        var wrong = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{session.LocalCredentials.UsernameFragment}:remt").Build(Encoding.UTF8.GetBytes("wrong-password-wrong-password"));
        await client.SendAsync(wrong, target);
        var good = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{session.LocalCredentials.UsernameFragment}:remt").AddUInt64(StunAttributeType.IceControlling, 1)
            .Add(StunAttributeType.UseCandidate, []).Build(Encoding.UTF8.GetBytes(session.LocalCredentials.Password));
        using var retransmit = new Timer(_ => client.Send(good, good.Length, target), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        StunMessage? response = null;
        while (response is null)
        {
            UdpReceiveResult r;
            try
            {
                r = await client.ReceiveAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no answer to a valid check; session {session.Snapshot()}");
                throw;
            }
            var parsed = StunMessage.Parse(r.Buffer);
            if (parsed.IsOk && parsed.Value.Type == StunMessageType.BindingSuccess) response = parsed.Value;
        }
        Assert.True(response.VerifyIntegrity(Encoding.UTF8.GetBytes(session.LocalCredentials.Password)));
        Assert.True(session.Statistics.DroppedPackets >= 250, $"dropped {session.Statistics.DroppedPackets} of 301 hostile datagrams");

        // Now validated: DTLS records fuzzed and out of order go to the handshake, which must not connect or crash.
        for (var i = 0; i < 50; i++)
        {
            var record = new byte[random.Next(13, 200)];
            random.NextBytes(record);
            record[0] = 22; record[1] = 0xfe; record[2] = 0xfd;
            await client.SendAsync(record, target);
        }
        await Task.Delay(500);
        Assert.NotEqual(SessionState.Connected, session.State);
        Assert.Equal(1, whep.SessionCount);
    }

    private static int OpenUdpPorts() => IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Length;
}
