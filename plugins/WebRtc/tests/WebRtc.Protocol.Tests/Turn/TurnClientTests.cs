using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Appliance.Plugins.WebRtc.Protocol.Tests.Support;
using Appliance.Plugins.WebRtc.Protocol.Turn;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Turn;

/// <summary>
/// The appliance's TURN client (RFC 8656) against coturn on loopback over UDP, TCP and TLS: allocation, permission,
/// Send/Data indications both ways with a plain UDP peer, 438 Stale Nonce, wrong password, quota; and against a
/// hostile server that forges MESSAGE-INTEGRITY or leaves attributes out.
/// </summary>
public sealed class TurnClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static IceServer Server(Coturn turn, TurnTransport transport = TurnTransport.Udp, string password = "p", string? pin = null) =>
        new(IceServerKind.Turn, "127.0.0.1", transport == TurnTransport.Tls ? turn.TlsPort!.Value : turn.Port, transport, TurnRelay.User, password, pin);

    private static async Task<TurnClient> AllocateAsync(Coturn turn, IceServer server)
    {
        var allocated = await TurnClient.AllocateAsync(server, new IPEndPoint(IPAddress.Loopback, server.Port), TimeProvider.System, CancellationToken.None);
        Assert.True(allocated.IsOk, $"{allocated.Failure}\n{turn.Log()}");
        return allocated.Value;
    }

    [Theory]
    [InlineData(TurnTransport.Udp)]
    [InlineData(TurnTransport.Tcp)]
    public async Task Allocation_relays_datagrams_both_ways_for_a_permitted_peer_only(TurnTransport transport)
    {
        using var turn = await Coturn.StartAsync(TurnRelay.Options());
        await using var client = await AllocateAsync(turn, Server(turn, transport));
        await AssertRelaysAsync(client);
    }

    [Fact]
    public async Task Allocation_over_tls_with_a_pinned_certificate_relays_and_a_wrong_pin_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("appl-turn-tls-").FullName;
        try
        {
            using var pki = TestPki.Create(folder, "turn");
            var pem = pki.Server("turn");
            using var turn = await Coturn.StartAsync(TurnRelay.Options() with { Tls = pem });
            var text = File.ReadAllText(pem.Certificate);
            var certificate = PemEncoding.Find(text);
            var pin = Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(text[certificate.Base64Data])));
            await using (var client = await AllocateAsync(turn, Server(turn, TurnTransport.Tls, pin: pin)))
            {
                Assert.Equal(TurnTransport.Tls, client.Server.Transport);
                await AssertRelaysAsync(client);
            }

            var wrongPin = new string('0', 64);
            var refused = await TurnClient.AllocateAsync(Server(turn, TurnTransport.Tls, pin: wrongPin), new IPEndPoint(IPAddress.Loopback, turn.TlsPort!.Value), TimeProvider.System, CancellationToken.None);
            Assert.False(refused.IsOk);
            Assert.Equal("tls", refused.Failure!.Code);
            // Without a pin the test CA is not trusted by the system: refused as well.
            var untrusted = await TurnClient.AllocateAsync(Server(turn, TurnTransport.Tls), new IPEndPoint(IPAddress.Loopback, turn.TlsPort!.Value), TimeProvider.System, CancellationToken.None);
            Assert.Equal("tls", untrusted.Failure?.Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A UDP peer on 127.0.0.1 (permitted) and one on 127.0.0.2 (not): only the first gets through, both ways.</summary>
    private static async Task AssertRelaysAsync(TurnClient client)
    {
        Assert.Equal(IPAddress.Loopback, client.RelayedAddress.Address);
        Assert.InRange(client.RelayedAddress.Port, 40000, 40999);
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string Text, IPEndPoint From)>();
        client.Received = (data, from) => received.Enqueue((Encoding.ASCII.GetString(data), from));
        var permitted = await client.CreatePermissionAsync([IPAddress.Loopback], CancellationToken.None);
        Assert.True(permitted.IsOk, permitted.Failure?.ToString());

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await stranger.SendToAsync(Encoding.ASCII.GetBytes("from a stranger"), SocketFlags.None, client.RelayedAddress);
        await peer.SendToAsync(Encoding.ASCII.GetBytes("hello appliance"), SocketFlags.None, client.RelayedAddress);
        await Eventually.UntilAsync(() => Task.FromResult(!received.IsEmpty), "a Data indication arrives", Wait);
        Assert.True(received.TryDequeue(out var first));
        Assert.Equal("hello appliance", first.Text);
        Assert.Equal(peer.LocalEndPoint, first.From);

        Assert.True(client.Send(Encoding.ASCII.GetBytes("hello viewer"), (IPEndPoint)peer.LocalEndPoint!));
        var buffer = new byte[100];
        using var timeout = new CancellationTokenSource(Wait);
        var answer = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.Equal("hello viewer", Encoding.ASCII.GetString(buffer, 0, answer.ReceivedBytes));
        Assert.Equal(client.RelayedAddress, answer.RemoteEndPoint);
        // The stranger's datagram, sent first, never came through.
        await Task.Delay(300);
        Assert.DoesNotContain(received, r => r.Text == "from a stranger");
    }

    [Fact]
    public async Task Stale_nonce_438_is_retried_with_the_new_nonce()
    {
        using var turn = await Coturn.StartAsync(TurnRelay.Options() with { StaleNonceSeconds = 2 });
        await using var client = await AllocateAsync(turn, Server(turn));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var refreshed = await client.RefreshAsync(CancellationToken.None);
        Assert.True(refreshed.IsOk, $"{refreshed.Failure}\n{turn.Log()}");
        Assert.True(client.StaleNonceRetries >= 1, "coturn did not answer 438: the test proves nothing");
        var permitted = await client.CreatePermissionAsync([IPAddress.Loopback], CancellationToken.None);
        Assert.True(permitted.IsOk, permitted.Failure?.ToString());
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_401()
    {
        using var turn = await Coturn.StartAsync(TurnRelay.Options());
        var refused = await TurnClient.AllocateAsync(Server(turn, password: "wrong"), turn.Primary, TimeProvider.System, CancellationToken.None);
        Assert.False(refused.IsOk);
        Assert.Equal("unauthorized", refused.Failure!.Code);
        Assert.Contains("401", refused.Failure.Message);
    }

    [Fact]
    public async Task Allocation_over_the_user_quota_is_refused_with_486()
    {
        using var turn = await Coturn.StartAsync(TurnRelay.Options() with { UserQuota = 1 });
        await using var first = await AllocateAsync(turn, Server(turn));
        var second = await TurnClient.AllocateAsync(Server(turn), turn.Primary, TimeProvider.System, CancellationToken.None);
        Assert.False(second.IsOk);
        Assert.Equal("refused", second.Failure!.Code);
        Assert.Contains("486", second.Failure.Message);
    }

    [Fact]
    public async Task A_server_that_is_not_there_times_out_with_a_clear_failure()
    {
        using var silent = new HostileTurnServer(_ => []);
        var server = new IceServer(IceServerKind.Turn, "127.0.0.1", silent.EndPoint.Port, TurnTransport.Udp, "u", "p");
        var result = await TurnClient.AllocateAsync(server, silent.EndPoint, TimeProvider.System, CancellationToken.None, TimeSpan.FromSeconds(1.5));
        Assert.Equal("timeout", result.Failure?.Code);
        Assert.True(silent.Requests >= 2, "UDP requests are retransmitted");
    }

    [Fact]
    public async Task Success_with_forged_message_integrity_is_discarded_and_named()
    {
        const string realm = "hostile", nonce = "n0nce";
        using var hostile = new HostileTurnServer(request =>
        {
            if (!request.HasIntegrity) return [Error(request, 401, realm, nonce)];
            // Signed with a key that is not MD5(u:hostile:p): a forger who does not know the password.
            return [new StunMessageBuilder(StunMessageType.AllocateSuccess, request.TransactionId)
                .AddXorAddress(StunAttributeType.XorRelayedAddress, new IPEndPoint(IPAddress.Loopback, 41000))
                .Build(MD5.HashData(Encoding.UTF8.GetBytes("u:hostile:guess")))];
        });
        var server = new IceServer(IceServerKind.Turn, "127.0.0.1", hostile.EndPoint.Port, TurnTransport.Udp, "u", "p");
        var result = await TurnClient.AllocateAsync(server, hostile.EndPoint, TimeProvider.System, CancellationToken.None, TimeSpan.FromSeconds(1.5));
        Assert.False(result.IsOk);
        Assert.Equal("integrity", result.Failure!.Code);
        Assert.Contains("MESSAGE-INTEGRITY", result.Failure.Message);
    }

    [Fact]
    public async Task Unsigned_success_missing_attributes_or_a_401_without_nonce_fail_clearly()
    {
        var key = MD5.HashData(Encoding.UTF8.GetBytes("u:r:p"));
        using var noRelayed = new HostileTurnServer(request => request.HasIntegrity
            ? [new StunMessageBuilder(StunMessageType.AllocateSuccess, request.TransactionId).Build(key)]
            : [Error(request, 401, "r", "n")]);
        var result = await TurnClient.AllocateAsync(new IceServer(IceServerKind.Turn, "127.0.0.1", noRelayed.EndPoint.Port, TurnTransport.Udp, "u", "p"),
            noRelayed.EndPoint, TimeProvider.System, CancellationToken.None, TimeSpan.FromSeconds(1.5));
        Assert.Equal("malformed", result.Failure?.Code);
        Assert.Contains("XOR-RELAYED-ADDRESS", result.Failure!.Message);

        using var noNonce = new HostileTurnServer(request => [new StunMessageBuilder(StunMessageType.AllocateError, request.TransactionId).AddErrorCode(401, "Unauthorized").Build()]);
        result = await TurnClient.AllocateAsync(new IceServer(IceServerKind.Turn, "127.0.0.1", noNonce.EndPoint.Port, TurnTransport.Udp, "u", "p"),
            noNonce.EndPoint, TimeProvider.System, CancellationToken.None, TimeSpan.FromSeconds(1.5));
        Assert.Equal("malformed", result.Failure?.Code);
        Assert.Contains("NONCE", result.Failure!.Message);

        // Garbage and truncated datagrams in answer are ignored: the request simply times out.
        using var garbage = new HostileTurnServer(request => [new byte[] { 1, 1, 0, 8 }, RandomNumberGenerator.GetBytes(64), [.. new StunMessageBuilder(StunMessageType.AllocateSuccess, request.TransactionId).Build().Take(24)]]);
        result = await TurnClient.AllocateAsync(new IceServer(IceServerKind.Turn, "127.0.0.1", garbage.EndPoint.Port, TurnTransport.Udp, "u", "p"),
            garbage.EndPoint, TimeProvider.System, CancellationToken.None, TimeSpan.FromSeconds(1.5));
        Assert.Equal("timeout", result.Failure?.Code);
    }

    [Fact]
    public async Task A_turn_server_without_credentials_is_a_configuration_failure()
    {
        var result = await TurnClient.AllocateAsync(new IceServer(IceServerKind.Turn, "127.0.0.1", 3478, TurnTransport.Udp), new IPEndPoint(IPAddress.Loopback, 3478),
            TimeProvider.System, CancellationToken.None);
        Assert.Equal("malformed", result.Failure?.Code);
    }

    private static byte[] Error(StunMessage request, int code, string realm, string nonce) =>
        new StunMessageBuilder((StunMessageType)((ushort)request.Type | 0x0110), request.TransactionId)
            .AddErrorCode(code, "Unauthorized")
            .AddText(StunAttributeType.Realm, realm)
            .AddText(StunAttributeType.Nonce, nonce)
            .Build();
}
