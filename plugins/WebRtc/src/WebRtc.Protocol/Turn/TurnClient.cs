using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Turn;

/// <summary>
/// A TURN client (RFC 8656) holding one UDP relay allocation on a server, reached over UDP, TCP or TLS: Allocate
/// with the long-term credential (RFC 8489 section 9.2: a first request without credentials, the 401's REALM and
/// NONCE, then MESSAGE-INTEGRITY keyed MD5(username:realm:password)); a 438 Stale Nonce is retried once with the
/// new NONCE. Every response to an authenticated request must carry a MESSAGE-INTEGRITY that verifies, or it is
/// discarded as forged (counted in <see cref="IntegrityFailures"/>). Permissions (CreatePermission) let peers'
/// datagrams in; data goes out in Send indications and comes back in Data indications through <see cref="Received"/>.
/// The allocation and its permissions are refreshed before they expire; dispose releases it (Refresh, lifetime 0).
/// </summary>
public sealed class TurnClient : IAsyncDisposable
{
    private static readonly TimeSpan PermissionRefresh = TimeSpan.FromMinutes(4); // permissions last 5 minutes (RFC 8656 9)
    private readonly TurnChannel _channel;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StunMessage>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, long> _permissions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _authGate = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Task _refreshLoop = Task.CompletedTask;
    private string? _realm;
    private string? _nonce;
    private byte[]? _key;
    private long _integrityFailures;
    private long _staleNonceRetries;
    private int _disposed;

    private TurnClient(IceServer server, TurnChannel channel, TimeProvider time)
    {
        Server = server;
        _channel = channel;
        _time = time;
    }

    public IceServer Server { get; }

    /// <summary>The relayed transport address peers send to (the relay candidate).</summary>
    public IPEndPoint RelayedAddress { get; private set; } = new(IPAddress.None, 0);

    /// <summary>The appliance's address as the server saw it (a server-reflexive candidate).</summary>
    public IPEndPoint? MappedAddress { get; private set; }

    public TimeSpan Lifetime { get; private set; }

    /// <summary>Responses discarded because their MESSAGE-INTEGRITY was missing or wrong.</summary>
    public long IntegrityFailures => Interlocked.Read(ref _integrityFailures);

    /// <summary>Requests repeated with a fresh NONCE after a 438 Stale Nonce.</summary>
    public long StaleNonceRetries => Interlocked.Read(ref _staleNonceRetries);

    /// <summary>Why the allocation stopped working (a refresh refused, the connection lost), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>A peer's datagram from a Data indication: its bytes and the peer address (XOR-PEER-ADDRESS). Set before permissions are created.</summary>
    public Action<byte[], IPEndPoint>? Received { get; set; }

    /// <summary>Per request: how long to wait in all (UDP retransmits at 500 ms doubling within it).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Connects to <paramref name="server"/> at <paramref name="endPoint"/> and allocates a UDP relay. Failures name the server and the reason (refused with its STUN error code, timeout, integrity).</summary>
    public static async Task<Result<TurnClient>> AllocateAsync(IceServer server, IPEndPoint endPoint, TimeProvider time, CancellationToken cancellationToken, TimeSpan? requestTimeout = null)
    {
        if (server.Kind != IceServerKind.Turn || server.Username is null || server.Credential is null)
            return Result<TurnClient>.Fail("malformed", $"{server}: a TURN server needs a username and a credential");
        var timeout = requestTimeout ?? TimeSpan.FromSeconds(3);
        var opened = await TurnChannel.OpenAsync(server, endPoint, timeout, cancellationToken);
        if (!opened.TryGetValue(out var channel, out var failure)) return failure;
        var client = new TurnClient(server, channel, time) { RequestTimeout = timeout };
        client._receiveLoop = Task.Run(() => client.ReceiveLoopAsync());
        var allocated = await client.RequestAsync(StunMessageType.AllocateRequest, "Allocate",
            b => b.AddUInt32(StunAttributeType.RequestedTransport, 17u << 24).AddUInt32(StunAttributeType.Lifetime, 600), cancellationToken);
        if (!allocated.TryGetValue(out var response, out failure))
        {
            await client.DisposeAsync();
            return failure;
        }
        var relayed = response.XorAddress(StunAttributeType.XorRelayedAddress);
        if (relayed is null)
        {
            await client.DisposeAsync();
            return Result<TurnClient>.Fail("malformed", $"{server}: Allocate success without a valid XOR-RELAYED-ADDRESS");
        }
        client.RelayedAddress = relayed;
        client.MappedAddress = response.XorMappedAddress;
        client.Lifetime = TimeSpan.FromSeconds(response.UInt32(StunAttributeType.Lifetime) ?? 600);
        client._refreshLoop = Task.Run(client.RefreshLoopAsync);
        return client;
    }

    /// <summary>Installs (or refreshes) permissions for <paramref name="peers"/> in one CreatePermission request.</summary>
    public async Task<Result<int>> CreatePermissionAsync(IEnumerable<IPAddress> peers, CancellationToken cancellationToken)
    {
        var list = peers.Select(p => p.IsIPv4MappedToIPv6 ? p.MapToIPv4() : p).Where(p => p.AddressFamily == RelayedAddress.AddressFamily).Distinct().Take(32).ToList();
        if (list.Count == 0) return 0;
        var result = await RequestAsync(StunMessageType.CreatePermissionRequest, "CreatePermission", b =>
        {
            foreach (var peer in list) b.AddXorAddress(StunAttributeType.XorPeerAddress, new IPEndPoint(peer, 0));
        }, cancellationToken);
        if (!result.TryGetValue(out _, out var failure)) return failure;
        var now = _time.GetTimestamp();
        foreach (var peer in list) _permissions[peer] = now;
        return list.Count;
    }

    /// <summary>Sends <paramref name="data"/> to <paramref name="peer"/> through the relay (a Send indication); false when the connection is gone.</summary>
    public bool Send(ReadOnlySpan<byte> data, IPEndPoint peer) =>
        _channel.Send(new StunMessageBuilder(StunMessageType.SendIndication, StunMessageBuilder.NewTransactionId())
            .AddXorAddress(StunAttributeType.XorPeerAddress, peer)
            .Add(StunAttributeType.Data, data)
            .Build(fingerprint: false));

    private async Task ReceiveLoopAsync()
    {
        var ended = await _channel.RunAsync(OnFrame, _stop.Token);
        if (!_stop.IsCancellationRequested) Problem ??= $"{Server}: {ended}";
        foreach (var pending in _pending.Values) pending.TrySetCanceled();
    }

    private void OnFrame(byte[] frame)
    {
        if (!StunMessage.LooksLikeStun(frame)) return; // ChannelData: no channels are bound
        var parsed = StunMessage.Parse(frame);
        if (!parsed.TryGetValue(out var message, out _)) return;
        if (message.Type == StunMessageType.DataIndication)
        {
            var peer = message.XorAddress(StunAttributeType.XorPeerAddress);
            if (peer is null || message.Find(StunAttributeType.Data) is not { } data) return;
            Received?.Invoke(message.Value(data).ToArray(), peer);
            return;
        }
        if (((ushort)message.Type & 0x0110) == 0) return; // a request or an indication we do not take
        if (_pending.TryGetValue(Convert.ToHexString(message.TransactionId), out var waiting)) waiting.TrySetResult(message);
    }

    /// <summary>One request with the long-term credential dance; the success response, or why not.</summary>
    private async Task<Result<StunMessage>> RequestAsync(StunMessageType type, string method, Action<StunMessageBuilder> attributes, CancellationToken cancellationToken)
    {
        var staleRetried = false;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            string? realm, nonce;
            byte[]? key;
            lock (_authGate) (realm, nonce, key) = (_realm, _nonce, _key);
            var builder = new StunMessageBuilder(type, StunMessageBuilder.NewTransactionId());
            attributes(builder);
            if (key is not null) builder.AddUsername(Server.Username!).AddText(StunAttributeType.Realm, realm!).AddText(StunAttributeType.Nonce, nonce!);
            var request = builder.Build(key ?? default);
            var answered = await TransactAsync(request, key, cancellationToken);
            if (!answered.TryGetValue(out var response, out var failure)) return Result<StunMessage>.Fail(failure.Code, $"{Server} {method}: {failure.Message}");
            if (((ushort)response.Type & 0x0110) == 0x0100) return response;
            var error = response.Error;
            var code = error?.Code ?? 0;
            var reason = error?.Reason ?? "(no ERROR-CODE)";
            if (code == 401 && key is null || code == 438 && !staleRetried)
            {
                var newRealm = response.Text(StunAttributeType.Realm) ?? realm;
                var newNonce = response.Text(StunAttributeType.Nonce);
                if (newRealm is null || newNonce is null) return Result<StunMessage>.Fail("malformed", $"{Server} {method}: {code} without REALM and NONCE");
                if (code == 438)
                {
                    staleRetried = true;
                    Interlocked.Increment(ref _staleNonceRetries);
                }
                lock (_authGate)
                {
                    _realm = newRealm;
                    _nonce = newNonce;
                    _key = MD5.HashData(Encoding.UTF8.GetBytes($"{Server.Username}:{newRealm}:{Server.Credential}"));
                }
                continue;
            }
            var why = code switch
            {
                401 => "credentials refused",
                403 => "forbidden",
                437 => "allocation mismatch",
                438 => "stale nonce again after a retry",
                441 => "wrong credentials",
                486 => "allocation quota reached",
                508 => "insufficient capacity",
                _ => "refused",
            };
            return Result<StunMessage>.Fail(code == 401 ? "unauthorized" : "refused",
                string.Create(CultureInfo.InvariantCulture, $"{Server} {method}: {code} {reason} ({why})"));
        }
        return Result<StunMessage>.Fail("unauthorized", $"{Server} {method}: the server kept asking for credentials");
    }

    /// <summary>Sends <paramref name="request"/> (retransmitting over UDP) until a response that passes the integrity rule arrives.</summary>
    private async Task<Result<StunMessage>> TransactAsync(byte[] request, byte[]? key, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexString(request.AsSpan(8, 12));
        var failuresBefore = IntegrityFailures;
        var deadline = _time.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var rto = TimeSpan.FromMilliseconds(500);
        try
        {
            while (_time.GetElapsedTime(deadline) < RequestTimeout)
            {
                var waiting = new TaskCompletionSource<StunMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending[id] = waiting;
                if (!_channel.Send(request)) return Result<StunMessage>.Fail("transport", "the connection to the server is gone");
                var wait = _channel.Reliable ? RequestTimeout - _time.GetElapsedTime(deadline) : Min(rto, RequestTimeout - _time.GetElapsedTime(deadline));
                rto *= 2;
                while (wait > TimeSpan.Zero)
                {
                    var started = _time.GetTimestamp();
                    StunMessage response;
                    try
                    {
                        response = await waiting.Task.WaitAsync(wait, _time, limit.Token);
                    }
                    catch (TimeoutException)
                    {
                        break;
                    }
                    if (Acceptable(response, key)) return response;
                    Interlocked.Increment(ref _integrityFailures);
                    wait -= _time.GetElapsedTime(started);
                    waiting = new TaskCompletionSource<StunMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pending[id] = waiting;
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested) throw;
            return Result<StunMessage>.Fail("transport", Problem ?? "the client stopped");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
        var forged = IntegrityFailures - failuresBefore;
        return forged > 0
            ? Result<StunMessage>.Fail("integrity", $"{forged} response(s) in {RequestTimeout.TotalSeconds:0.#} s failed MESSAGE-INTEGRITY and were discarded; no valid answer")
            : Result<StunMessage>.Fail("timeout", $"no answer in {RequestTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>RFC 8489 9.2.5: with a key, a response must verify, except 401 and 438 (sent when the key is not yet right).</summary>
    private static bool Acceptable(StunMessage response, byte[]? key)
    {
        if (key is null) return true;
        if (response.Error is { Code: 401 or 438 } && !response.HasIntegrity) return true;
        return response.VerifyIntegrity(key);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task RefreshLoopAsync()
    {
        var allocationRefreshed = _time.GetTimestamp();
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), _time);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_time.GetElapsedTime(allocationRefreshed) > Lifetime / 2)
                {
                    if ((await RefreshAsync(_stop.Token)).TryGetValue(out _, out var failure)) allocationRefreshed = _time.GetTimestamp();
                    else Problem = failure.Message;
                }
                var stale = _permissions.Where(p => _time.GetElapsedTime(p.Value) > PermissionRefresh).Select(p => p.Key).ToList();
                if (stale.Count > 0 && !(await CreatePermissionAsync(stale, _stop.Token)).TryGetValue(out _, out var permissionFailure))
                    Problem = permissionFailure.Message;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Refreshes the allocation now (what the refresh loop does before the lifetime runs out).</summary>
    public async Task<Result<TimeSpan>> RefreshAsync(CancellationToken cancellationToken)
    {
        var refreshed = await RequestAsync(StunMessageType.RefreshRequest, "Refresh", b => b.AddUInt32(StunAttributeType.Lifetime, 600), cancellationToken);
        if (!refreshed.TryGetValue(out var response, out var failure)) return failure;
        Lifetime = TimeSpan.FromSeconds(response.UInt32(StunAttributeType.Lifetime) ?? 600);
        return Lifetime;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_key is not null && RelayedAddress.Port != 0 && Problem is null)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await RequestAsync(StunMessageType.RefreshRequest, "Refresh", b => b.AddUInt32(StunAttributeType.Lifetime, 0), quick.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Cancel();
        _channel.Dispose();
        try
        {
            await Task.WhenAll(_receiveLoop, _refreshLoop).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
