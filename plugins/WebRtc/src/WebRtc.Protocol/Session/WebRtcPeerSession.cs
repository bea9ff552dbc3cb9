using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Ice;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Srtp;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Appliance.Plugins.WebRtc.Protocol.Turn;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>Lifecycle of a viewer session.</summary>
public enum SessionState { Checking, Handshaking, Connected, Closed }

/// <summary>The selected path: the viewer's address, and the TURN allocation it is reached through (null: directly).</summary>
internal sealed record RemotePath(IPEndPoint EndPoint, TurnClient? Relay);

/// <summary>
/// One viewer: an ICE-lite agent, a DTLS server and SRTP on one UDP socket (RFC 8843 bundle, RFC 5761 rtcp-mux),
/// demultiplexed by first byte (RFC 7983), plus the TURN allocations of its relayed candidates, whose Data
/// indications go through the same demultiplexer. Created from an offer by <see cref="CreateAsync"/>; media is pushed with
/// <see cref="SendVideo"/>. Closes by itself on consent loss, connect timeout or a DTLS failure, and
/// <see cref="Closed"/> fires once. Dispose releases the socket and keys.
/// </summary>
public sealed partial class WebRtcPeerSession : IAsyncDisposable
{
    private readonly WebRtcSessionOptions _options;
    private readonly SdpOffer _offer;
    private readonly Socket _socket;
    private readonly IceLiteAgent _ice;
    private readonly PacketQueueTransport _dtlsTransport;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _remoteCandidates;
    private readonly object _candidatesGate = new();
    private readonly long _created;
    private readonly IReadOnlyList<TurnClient> _relays;
    private readonly object _demuxGate = new();
    private Task _relaysReleased = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _dtlsLoop = Task.CompletedTask;
    private Task _timerLoop = Task.CompletedTask;
    private volatile RemotePath? _remote;
    private int _state;
    private int _closed;

    private WebRtcPeerSession(WebRtcSessionOptions options, SdpOffer offer, NegotiatedSession negotiated, IceCredentials local, Socket socket, string id, GatheredCandidates gathered)
    {
        _relays = gathered.Relays;
        GatherProblems = gathered.Problems;
        _options = options;
        _offer = offer;
        _socket = socket;
        Negotiated = negotiated;
        LocalCredentials = local;
        Id = id;
        _ice = new IceLiteAgent(local, offer.IceUfrag, options.Time);
        _dtlsTransport = new PacketQueueTransport(SendRaw);
        _remoteCandidates = [.. offer.RemoteCandidates];
        _created = options.Time.GetTimestamp();
        _media = new MediaSender(negotiated, options.MaxRtpPayload, options.Time);
    }

    /// <summary>Opaque id of the session (the WHEP resource name).</summary>
    public string Id { get; }

    public NegotiatedSession Negotiated { get; }

    public IceCredentials LocalCredentials { get; }

    public string AnswerSdp => Negotiated.AnswerSdp;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    /// <summary>ICE servers that gave no candidate for this session, and why (empty when all did).</summary>
    public IReadOnlyList<string> GatherProblems { get; }

    /// <summary>The local candidates announced in the answer (host, srflx, relay).</summary>
    public IReadOnlyList<LocalCandidate> LocalCandidates { get; private set; } = [];

    /// <summary>Why the session closed (null while open).</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Raised once, after the session closed (from any thread).</summary>
    public event Action<WebRtcPeerSession>? Closed;

    /// <summary>Raised once when DTLS completes and media may flow: the owner sends the cached keyframe then.</summary>
    public event Action<WebRtcPeerSession>? Connected;

    /// <summary>
    /// Negotiates an answer for <paramref name="offerSdp"/>, binds a media port, gathers server-reflexive and relayed
    /// candidates from <see cref="WebRtcSessionOptions.IceServers"/> (a server that fails is left out and named in
    /// <see cref="GatherProblems"/>) and starts ICE/DTLS. Failures: malformed/too-large SDP, no-common-codec,
    /// needs-transcoding, unsupported DTLS role, exhausted ports.
    /// </summary>
    public static async Task<Result<WebRtcPeerSession>> CreateAsync(string id, ReadOnlyMemory<byte> offerSdp, MediaSourceDescription source, WebRtcSessionOptions options, CancellationToken cancellationToken = default)
    {
        var parsed = SdpOfferParser.Parse(offerSdp.Span, options.SdpLimits);
        if (!parsed.TryGetValue(out var offer, out var failure)) return failure;
        var bound = options.Ports.Bind(options.EffectiveBindAddress, options.BindUdp);
        if (!bound.TryGetValue(out var socket, out failure)) return failure;
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var candidates = new List<LocalCandidate>();
        var preference = 65535;
        foreach (var address in options.HostAddresses)
            candidates.Add(new LocalCandidate(new IPEndPoint(address, port), "host", LocalCandidate.PriorityFor(126, preference--)));
        if (options.PublicAddress is not null)
            candidates.Add(new LocalCandidate(new IPEndPoint(options.PublicAddress, port), "srflx", LocalCandidate.PriorityFor(100, 65535)));
        var gathered = new GatheredCandidates([], [], []);
        if (options.IceServers.Count > 0)
        {
            try
            {
                gathered = await CandidateGatherer.GatherAsync(socket, options.IceServers, CandidateAddresses.Of(offer.RemoteCandidates),
                    options.Time, options.GatherTimeout, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            candidates.AddRange(gathered.Candidates.Where(c => !candidates.Any(k => k.EndPoint.Equals(c.EndPoint))));
        }
        var local = IceCredentials.Generate();
        var negotiated = SdpAnswerBuilder.Build(offer, source, local, options.Certificate.Fingerprint, candidates,
            (uint)Random.Shared.NextInt64(1, uint.MaxValue), (uint)Random.Shared.NextInt64(1, uint.MaxValue));
        if (!negotiated.TryGetValue(out var answer, out failure))
        {
            socket.Dispose();
            foreach (var relay in gathered.Relays) await relay.DisposeAsync();
            return failure;
        }
        var session = new WebRtcPeerSession(options, offer, answer, local, socket, id, gathered) { LocalCandidates = candidates };
        session.Start();
        return session;
    }

    /// <summary>Adds trickled remote candidates (WHEP PATCH with an SDP fragment); only used to name the path.</summary>
    public void AddRemoteCandidates(IEnumerable<string> candidateLines)
    {
        lock (_candidatesGate)
        {
            foreach (var c in candidateLines.Take(64))
                if (_remoteCandidates.Count < 256) _remoteCandidates.Add(c);
        }
        if (_relays.Count == 0) return;
        var addresses = CandidateAddresses.Of(candidateLines.Take(64));
        foreach (var relay in _relays) _ = PermitAsync(relay, addresses);
    }

    /// <summary>Lets a trickled viewer address in through a relay; a refusal is counted as a drop with its reason (the session goes on).</summary>
    private async Task PermitAsync(TurnClient relay, IReadOnlyCollection<IPAddress> addresses)
    {
        try
        {
            var permitted = await relay.CreatePermissionAsync(addresses, _stop.Token);
            if (!permitted.TryGetValue(out _, out var failure)) Drop(failure.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Start()
    {
        foreach (var relay in _relays) relay.Received = (datagram, peer) => OnRelayed(datagram, peer, relay);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _dtlsLoop = Task.Factory.StartNew(RunDtls, TaskCreationOptions.LongRunning);
        _timerLoop = Task.Run(TimerLoopAsync);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable from an earlier send, and the like
            }
            var from = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes);
            SafeDemultiplex(datagram, from, null);
        }
    }

    private void OnRelayed(byte[] datagram, IPEndPoint peer, TurnClient relay)
    {
        if (!_stop.IsCancellationRequested) SafeDemultiplex(datagram, peer, relay);
    }

    private void SafeDemultiplex(Span<byte> datagram, IPEndPoint from, TurnClient? relay)
    {
        try
        {
            lock (_demuxGate) Demultiplex(datagram, from, relay);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _stats.DroppedPackets);
            _stats.LastDropReason = $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>RFC 7983: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP; anything else is dropped.</summary>
    private void Demultiplex(Span<byte> datagram, IPEndPoint from, TurnClient? relay)
    {
        if (datagram.Length == 0) return;
        var first = datagram[0];
        if (first < 4)
        {
            if (!StunMessage.LooksLikeStun(datagram)) { Drop("not STUN"); return; }
            var result = _ice.Handle(datagram, from);
            if (result.Outcome == IceCheckOutcome.Dropped) { Drop(result.Reason ?? "bad STUN"); return; }
            var path = new RemotePath(from, relay);
            SendTo(result.Response!, path);
            if (result.Outcome == IceCheckOutcome.Nominated)
            {
                _remote = path;
                if (State == SessionState.Checking) Interlocked.CompareExchange(ref _state, (int)SessionState.Handshaking, (int)SessionState.Checking);
            }
            return;
        }
        var remote = _remote;
        if (remote is null || !remote.EndPoint.Equals(from) || remote.Relay != relay) { Drop("from an address ICE has not validated"); return; }
        if (first is >= 20 and <= 63)
        {
            if (!_dtlsTransport.Push(datagram)) Drop("DTLS queue full");
            return;
        }
        if (first is >= 128 and <= 191 && datagram.Length >= 2 && datagram[1] is >= 192 and <= 223)
        {
            OnRtcp(datagram);
            return;
        }
        Drop("unexpected packet type");
    }

    private void RunDtls()
    {
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var server = new DtlsSrtpServer(crypto, _options.Certificate, _offer.Fingerprint, _options.SrtpProfiles);
            var protocol = new DtlsServerProtocol();
            var transport = protocol.Accept(server, _dtlsTransport);
            var keys = server.Keys ?? throw new TlsFatalAlert(AlertDescription.internal_error);
            var (localKey, remoteKey) = SrtpMasterKey.FromDtls(keys.Profile, keys.Material, isServer: true);
            _media.StartSrtp(new SrtpSession(localKey), new SrtpSession(remoteKey));
            _stats.SrtpProfile = keys.Profile;
            Volatile.Write(ref _state, (int)SessionState.Connected);
            _stats.ConnectedAfter = _options.Time.GetElapsedTime(_created);
            Connected?.Invoke(this);
            // Keep reading so a close_notify from the viewer ends the session.
            var sink = new byte[2048];
            while (!_stop.IsCancellationRequested)
            {
                if (transport.Receive(sink, 0, sink.Length, 1000) < 0 && _stop.IsCancellationRequested) break;
            }
        }
        catch (TlsFatalAlertReceived alert)
        {
            Close($"DTLS: the viewer sent {AlertDescription.GetText(alert.AlertDescription)}");
        }
        catch (TlsFatalAlert alert) when (alert.AlertDescription == AlertDescription.close_notify || _stop.IsCancellationRequested)
        {
            Close("DTLS closed");
        }
        catch (Exception ex) when (ex is TlsException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close($"DTLS: {ex.Message}");
        }
    }

    private async Task TimerLoopAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(_options.SenderReportInterval, _options.Time);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var state = State;
                if (state != SessionState.Connected && _options.Time.GetElapsedTime(_created) > _options.ConnectTimeout)
                {
                    Close($"not connected within {_options.ConnectTimeout.TotalSeconds:0} s ({state})");
                    return;
                }
                if (state != SessionState.Checking && _ice.ConsentExpired(_options.ConsentTimeout))
                {
                    Close($"consent expired: no ICE check for {_options.ConsentTimeout.TotalSeconds:0} s (RFC 7675)");
                    return;
                }
                if (state == SessionState.Connected) SendSenderReport();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref _stats.DroppedPackets);
        _stats.LastDropReason = reason;
    }

    private void SendRaw(byte[] datagram)
    {
        var remote = _remote;
        if (remote is not null) SendTo(datagram, remote);
    }

    private void SendTo(ReadOnlySpan<byte> datagram, RemotePath to)
    {
        try
        {
            if (to.Relay is not null)
            {
                if (!to.Relay.Send(datagram, to.EndPoint)) Interlocked.Increment(ref _stats.SendErrors);
                return;
            }
            _socket.SendTo(datagram, SocketFlags.None, to.EndPoint);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _stats.SendErrors);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the session (idempotent): stops the loops, closes DTLS and the socket, raises <see cref="Closed"/>.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        CloseReason = reason;
        Volatile.Write(ref _state, (int)SessionState.Closed);
        _stop.Cancel();
        _dtlsTransport.Close();
        _socket.Dispose();
        _media.Dispose();
        _relaysReleased = Task.WhenAll(_relays.Select(r => r.DisposeAsync().AsTask()));
        Closed?.Invoke(this);
    }

    public async ValueTask DisposeAsync()
    {
        Close("disposed");
        try
        {
            await Task.WhenAll(_receiveLoop, _timerLoop, _dtlsLoop, _relaysReleased).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
