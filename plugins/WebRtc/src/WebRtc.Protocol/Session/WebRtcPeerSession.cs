using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Ice;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Srtp;
using Appliance.Plugins.WebRtc.Protocol.Stun;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>Lifecycle of a viewer session.</summary>
public enum SessionState { Checking, Handshaking, Connected, Closed }

/// <summary>
/// One viewer: an ICE-lite agent, a DTLS server and SRTP on one UDP socket (RFC 8843 bundle, RFC 5761 rtcp-mux),
/// demultiplexed by first byte (RFC 7983). Created from an offer by <see cref="Create"/>; media is pushed with
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
    private Task _receiveLoop = Task.CompletedTask;
    private Task _dtlsLoop = Task.CompletedTask;
    private Task _timerLoop = Task.CompletedTask;
    private volatile IPEndPoint? _remote;
    private int _state;
    private int _closed;

    private WebRtcPeerSession(WebRtcSessionOptions options, SdpOffer offer, NegotiatedSession negotiated, IceCredentials local, Socket socket, string id)
    {
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

    /// <summary>Why the session closed (null while open).</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Raised once, after the session closed (from any thread).</summary>
    public event Action<WebRtcPeerSession>? Closed;

    /// <summary>Raised once when DTLS completes and media may flow: the owner sends the cached keyframe then.</summary>
    public event Action<WebRtcPeerSession>? Connected;

    /// <summary>
    /// Negotiates an answer for <paramref name="offerSdp"/>, binds a media port and starts ICE/DTLS. Failures:
    /// malformed/too-large SDP, no-common-codec, needs-transcoding, unsupported DTLS role, exhausted ports.
    /// </summary>
    public static Result<WebRtcPeerSession> Create(string id, ReadOnlySpan<byte> offerSdp, MediaSourceDescription source, WebRtcSessionOptions options)
    {
        var parsed = SdpOfferParser.Parse(offerSdp, options.SdpLimits);
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
        var local = IceCredentials.Generate();
        var negotiated = SdpAnswerBuilder.Build(offer, source, local, options.Certificate.Fingerprint, candidates,
            (uint)Random.Shared.NextInt64(1, uint.MaxValue), (uint)Random.Shared.NextInt64(1, uint.MaxValue));
        if (!negotiated.TryGetValue(out var answer, out failure))
        {
            socket.Dispose();
            return failure;
        }
        var session = new WebRtcPeerSession(options, offer, answer, local, socket, id);
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
    }

    private void Start()
    {
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
            try
            {
                Demultiplex(datagram, from);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _stats.DroppedPackets);
                _stats.LastDropReason = $"{ex.GetType().Name}: {ex.Message}";
            }
        }
    }

    /// <summary>RFC 7983: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP; anything else is dropped.</summary>
    private void Demultiplex(Span<byte> datagram, IPEndPoint from)
    {
        if (datagram.Length == 0) return;
        var first = datagram[0];
        if (first < 4)
        {
            if (!StunMessage.LooksLikeStun(datagram)) { Drop("not STUN"); return; }
            var result = _ice.Handle(datagram, from);
            if (result.Outcome == IceCheckOutcome.Dropped) { Drop(result.Reason ?? "bad STUN"); return; }
            SendTo(result.Response!, from);
            if (result.Outcome == IceCheckOutcome.Nominated)
            {
                _remote = from;
                if (State == SessionState.Checking) Interlocked.CompareExchange(ref _state, (int)SessionState.Handshaking, (int)SessionState.Checking);
            }
            return;
        }
        var remote = _remote;
        if (remote is null || !remote.Equals(from)) { Drop("from an address ICE has not validated"); return; }
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

    private void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
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
        Closed?.Invoke(this);
    }

    public async ValueTask DisposeAsync()
    {
        Close("disposed");
        try
        {
            await Task.WhenAll(_receiveLoop, _timerLoop, _dtlsLoop).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
