using Appliance.Abstractions;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

/// <summary>
/// One pull of one RTSP stream, start to end: OPTIONS, DESCRIBE, SETUP per usable track (TCP interleaved or
/// UDP), PLAY, then keep-alive at session timeout / 2, RTCP receiver reports, a media watchdog, and TEARDOWN at
/// the end. <see cref="RunAsync"/> returns how it ended; reconnecting is the caller's business.
/// </summary>
public sealed partial class RtspPullSession
{
    private readonly RtspPullOptions _options;
    private readonly AccessUnitPool _units;
    private readonly IRtspPullObserver _observer;
    private readonly List<TrackState> _tracks = new();
    private readonly List<TrackSink> _sinks = new();
    private readonly TrackState?[] _channels = new TrackState?[256];
    private readonly TaskCompletionSource<RtspPullOutcome> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RtspClient? _client;
    private bool _played;
    private long _keepAlivesSent;
    private long _receiverReportsSent;

    public RtspPullSession(RtspPullOptions options, IRtspPullObserver observer)
    {
        _options = options;
        _units = options.Units ?? new AccessUnitPool(options.Pool);
        _observer = observer;
    }

    public long KeepAlivesSent => Interlocked.Read(ref _keepAlivesSent);

    public long ReceiverReportsSent => Interlocked.Read(ref _receiverReportsSent);

    /// <summary>Bytes received on the RTSP connection (all RTP/RTCP when interleaved).</summary>
    public long ControlBytesReceived => _client?.BytesReceived ?? 0;

    /// <summary>The last mapped timestamp per track index (continuation points for the next session).</summary>
    public IReadOnlyDictionary<int, long> LastTimestamps()
    {
        lock (_tracks)
            return _tracks.Where(t => t.Receiver.HasTimestamp).ToDictionary(t => t.Receiver.Track.Index, t => t.Receiver.LastTimestamp);
    }

    public IReadOnlyList<RtpTrackSnapshot> Snapshot()
    {
        lock (_tracks)
        {
            return _tracks.Select(t =>
            {
                var r = t.Receiver;
                var c = r.Depacketizer.Counters;
                return new RtpTrackSnapshot(r.Track.Index, r.Track.Codec, r.Statistics.Received, r.Statistics.Lost, r.Reorder.Duplicates,
                    r.Reorder.Late, r.Reorder.Reordered, r.InvalidPackets, c.MalformedPackets + c.BadAggregates + c.FragmentsWithoutStart + c.UnsupportedPackets,
                    c.DamagedUnitsDropped, c.UnitsEmitted, c.Keyframes, c.Bytes, c.LastError ?? r.LastError, Interlocked.Read(ref r.ForeignSourceDatagrams));
            }).ToList();
        }
    }

    public async Task<RtspPullOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var parsed = RtspUrl.Parse(_options.Url, _options.PortOverride);
        if (!parsed.IsOk) return new RtspPullOutcome(RtspPullEnd.InvalidUrl, parsed.Failure!.Message, false);
        var url = parsed.Value!;
        var client = _client = new RtspClient(_options.Limits, _options.UserName ?? url.UserName, _options.Password ?? url.Password, new FrameRouter(this), _options.RequestTimeout, allowBasic: _options.AllowBasicAuth);
        using var loopsCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new List<Task>();
        var connected = false;
        try
        {
            await client.ConnectAsync(url.Host, url.Port, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            connected = true;
            var (failure, description) = await SetUpAsync(client, url, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return failure;
            _played = true;
            _observer.OnPlaying(description!);
            // Interleaved RTP may have overtaken the PLAY response: what came early goes out now, in order.
            foreach (var sink in _sinks) sink.Open();
            StartLoops(client, description!, url, loops, loopsCts.Token);
            var first = await Task.WhenAny(_end.Task, client.Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
            return first == _end.Task
                ? await _end.Task.ConfigureAwait(false)
                : Outcome(client, RtspPullEnd.ConnectionLost, client.CloseReason ?? "connection closed");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RtspPullOutcome(RtspPullEnd.Stopped, "stopped", _played);
        }
        catch (RtspConnectionException e)
        {
            return Outcome(client, connected ? RtspPullEnd.ConnectionLost : RtspPullEnd.ConnectFailed, e.Message);
        }
        finally
        {
            loopsCts.Cancel();
            await TearDownAsync(client).ConfigureAwait(false);
            try { await Task.WhenAll(loops).ConfigureAwait(false); } catch (OperationCanceledException) { }
            await client.DisposeAsync().ConfigureAwait(false);
            foreach (var sink in _sinks) sink.Close();
            lock (_tracks)
            {
                foreach (var t in _tracks)
                {
                    t.Receiver.Dispose();
                    t.Ports?.Dispose();
                }
            }
        }
    }

    private RtspPullOutcome Outcome(RtspClient client, RtspPullEnd end, string message)
    {
        if (client.CloseReason is { } reason && reason.StartsWith("protocol error", StringComparison.Ordinal))
            return new RtspPullOutcome(RtspPullEnd.ProtocolError, reason, _played);
        return new RtspPullOutcome(end, message, _played);
    }

    private void End(RtspPullEnd end, string message) => _end.TrySetResult(new RtspPullOutcome(end, message, _played));

    /// <summary>OPTIONS, DESCRIBE, one SETUP per usable track, then PLAY: the description of what plays, or why not.</summary>
    private async Task<(RtspPullOutcome? Failure, RtspPullDescription? Description)> SetUpAsync(RtspClient client, RtspUrl url, CancellationToken ct)
    {
        var options = await client.SendAsync("OPTIONS", url.RequestUri, null, ct).ConfigureAwait(false);
        if (options.StatusCode == 401) return (Refused(client, "OPTIONS", options), null);

        var (describeFailure, described) = await DescribeAsync(client, url, ct).ConfigureAwait(false);
        if (describeFailure is not null) return (describeFailure, null);
        var (sdp, baseUrl, tracks, notes) = described!;

        foreach (var track in tracks)
        {
            var trackFailure = await SetUpTrackAsync(client, track, notes, ct).ConfigureAwait(false);
            if (trackFailure is not null) return (trackFailure, null);
        }
        if (_tracks.Count == 0)
            return (new RtspPullOutcome(RtspPullEnd.NoTracks, "no track could be set up" + (notes.Count > 0 ? ": " + string.Join("; ", notes) : ""), false), null);
        if (client.Session is null) return (new RtspPullOutcome(RtspPullEnd.ProtocolError, "SETUP response without a valid Session header", false), null);

        return await PlayAsync(client, url, RtspUrl.ResolveControl(baseUrl, sdp.Control), notes, ct).ConfigureAwait(false);
    }

    private sealed record Described(SdpSession Sdp, string BaseUrl, IReadOnlyList<SdpTrack> Tracks, List<string> Notes);

    /// <summary>DESCRIBE and the SDP: the tracks to set up, and notes on what was skipped or odd.</summary>
    private async Task<(RtspPullOutcome? Failure, Described? Described)> DescribeAsync(RtspClient client, RtspUrl url, CancellationToken ct)
    {
        var describe = await client.SendAsync("DESCRIBE", url.RequestUri, h => h.Add("Accept", "application/sdp"), ct).ConfigureAwait(false);
        if (!describe.IsSuccess) return (Refused(client, "DESCRIBE", describe), null);
        var sdp = SdpParser.Parse(Encoding.UTF8.GetString(describe.Body));
        if (!sdp.IsOk) return (new RtspPullOutcome(RtspPullEnd.ProtocolError, "SDP: " + sdp.Failure!.Message, false), null);
        var baseUrl = BaseUrl(describe, url);
        var (tracks, skipped) = SdpTrackMapper.Map(sdp.Value, baseUrl);
        var notes = new List<string>(skipped);
        notes.AddRange(sdp.Value.Warnings.Select(w => "SDP " + w));
        return (null, new Described(sdp.Value, baseUrl, tracks, notes));
    }

    /// <summary>
    /// SETUP of one track over the configured transport. Null when it is set up, or skipped with a note (no
    /// depacketizer, an audio track refused); else the outcome that ends the session.
    /// </summary>
    private async Task<RtspPullOutcome?> SetUpTrackAsync(RtspClient client, SdpTrack track, List<string> notes, CancellationToken ct)
    {
        var mode = _options.Transport == RtspTransportMode.Tcp ? "TCP" : "UDP";
        var sink = new TrackSink(this, track);
        _sinks.Add(sink);
        var created = DepacketizerFactory.Create(track, _units, sink);
        if (!created.IsOk)
        {
            notes.Add($"{track.Media}: {created.Failure!.Message}");
            return null;
        }
        var depacketizer = created.Value;
        sink.Attach(depacketizer);
        depacketizer.NextUnitAfterGap = _options.AfterGap;
        var n = _tracks.Count;
        var offer = OfferTransport(n);
        if (!offer.IsOk)
        {
            depacketizer.Dispose();
            return new RtspPullOutcome(RtspPullEnd.RequestFailed, $"UDP transport: {offer.Failure!.Message}", false);
        }
        var (transport, ports) = offer.Value;
        var setup = await client.SendAsync("SETUP", track.ControlUrl, h => h.Add("Transport", transport), ct).ConfigureAwait(false);
        if (!setup.IsSuccess)
        {
            depacketizer.Dispose();
            ports?.Dispose();
            if (setup.StatusCode == 401) return Refused(client, $"SETUP {track.Media}", setup);
            if (_tracks.Count == 0 && track.IsVideo)
                return new RtspPullOutcome(RtspPullEnd.TransportRefused, $"SETUP {track.Media} over {mode}: {setup.Status}", false);
            notes.Add($"SETUP {track.Media}: {setup.Status}");
            return null;
        }
        var answered = RtspTransportHeader.Parse(setup.Headers.Get("Transport"));
        if (!answered.IsOk || answered.Value.Tcp != (_options.Transport == RtspTransportMode.Tcp))
        {
            depacketizer.Dispose();
            ports?.Dispose();
            if (answered.IsOk)
                return new RtspPullOutcome(RtspPullEnd.TransportRefused, $"SETUP {track.Media} over {mode}: server answered with another transport", false);
            return new RtspPullOutcome(RtspPullEnd.ProtocolError, $"SETUP {track.Media}: {answered.Failure!.Message}", false);
        }
        return AddTrack(client, track, depacketizer, ports, answered.Value, n);
    }

    /// <summary>The Transport header to offer for track number <paramref name="n"/>: interleaved channels, or a fresh UDP port pair.</summary>
    private Result<(string Header, RtpPortPair? Ports)> OfferTransport(int n)
    {
        if (_options.Transport == RtspTransportMode.Tcp)
            return Result<(string, RtpPortPair?)>.Ok((new RtspTransportHeader(true, Interleaved: new RtspPortPair(2 * n, 2 * n + 1)).ToString(), null));
        var allocated = _options.UdpPorts?.Allocate() ?? Result<RtpPortPair>.Fail("unavailable", "no port allocator");
        if (!allocated.IsOk) return allocated.Failure!;
        var ports = allocated.Value;
        return Result<(string, RtpPortPair?)>.Ok((new RtspTransportHeader(false, ClientPort: new RtspPortPair(ports.RtpPort, ports.RtcpPort)).ToString(), ports));
    }

    /// <summary>Starts receiving a track the server accepted; over TCP its interleaved channels must be free and valid.</summary>
    private RtspPullOutcome? AddTrack(RtspClient client, SdpTrack track, RtpDepacketizer depacketizer, RtpPortPair? ports, RtspTransportHeader answered, int n)
    {
        long? start = _options.StartTimestamps is { } starts && starts.TryGetValue(track.Index, out var s) ? s : null;
        var receiver = new RtpTrackReceiver(track, depacketizer, _options.Time, start, _options.ReorderWindow);
        if (ports is not null && client.RemoteAddress is { } server) receiver.ExpectSource(ports.Rtp.AddressFamily, server, answered.ServerPort);
        var state = new TrackState(receiver, ports, answered.Interleaved ?? new RtspPortPair(2 * n, 2 * n + 1), answered.ServerPort);
        lock (_tracks) _tracks.Add(state);
        if (_options.Transport == RtspTransportMode.Tcp)
        {
            var ch = state.Channels;
            if (ch.First is < 0 or > 255 || ch.Second is < 0 or > 255 || _channels[ch.First] is not null || _channels[ch.Second] is not null)
                return new RtspPullOutcome(RtspPullEnd.ProtocolError, $"SETUP {track.Media}: interleaved channels {ch} unusable", false);
            _channels[ch.First] = state;
            _channels[ch.Second] = state;
        }
        return null;
    }

    /// <summary>PLAY from the start of the aggregate control URL, and the description of what now plays.</summary>
    private async Task<(RtspPullOutcome? Failure, RtspPullDescription? Description)> PlayAsync(
        RtspClient client, RtspUrl url, string playUrl, List<string> notes, CancellationToken ct)
    {
        var play = await client.SendAsync("PLAY", playUrl, h => h.Add("Range", "npt=0.000-"), ct).ConfigureAwait(false);
        if (!play.IsSuccess) return (Refused(client, "PLAY", play), null);
        var description = new RtspPullDescription(url.RequestUri, _options.Transport, _tracks.Select(t => t.Receiver.Track).ToList(), notes,
            client.Session!.Id, client.Session.TimeoutSeconds, client.ServerMethods.Contains("GET_PARAMETER"));
        _playUrl = playUrl;
        return (null, description);
    }

    private static RtspPullOutcome Refused(RtspClient client, string step, RtspResponse r) =>
        new(r.StatusCode == 401 ? RtspPullEnd.Unauthorized : RtspPullEnd.RequestFailed,
            r.StatusCode == 401 && client.AuthError is { } why ? $"{step}: {r.Status} ({why})" : $"{step}: {r.Status}", false, r.StatusCode);

    private string? _playUrl;

    private static string BaseUrl(RtspResponse describe, RtspUrl url)
    {
        foreach (var header in new[] { "Content-Base", "Content-Location" })
        {
            var value = describe.Headers.Get(header);
            if (value is not null && RtspUrl.Parse(value).IsOk) return value;
        }
        return url.RequestUri;
    }

    private async Task TearDownAsync(RtspClient client)
    {
        if (client.State is not (RtspClientState.Ready or RtspClientState.Playing) || client.Session is null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.SendAsync("TEARDOWN", _playUrl ?? _options.Url, null, timeout.Token).ConfigureAwait(false);
        }
        catch (RtspConnectionException) { }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { }
    }

    private sealed class TrackState(RtpTrackReceiver receiver, RtpPortPair? ports, RtspPortPair channels, RtspPortPair? serverPorts)
    {
        public RtpTrackReceiver Receiver { get; } = receiver;
        public RtpPortPair? Ports { get; } = ports;
        public RtspPortPair Channels { get; } = channels;
        public RtspPortPair? ServerPorts { get; } = serverPorts;
    }

    /// <summary>Routes interleaved frames to the track that owns the channel.</summary>
    private sealed class FrameRouter(RtspPullSession session) : IInterleavedFrameHandler
    {
        public void OnInterleavedFrame(byte channel, ReadOnlySpan<byte> payload)
        {
            if (session._channels[channel] is not { } state) return;
            if (channel == state.Channels.First) state.Receiver.OnRtpDatagram(payload);
            else state.Receiver.OnRtcpDatagram(payload);
        }
    }

    /// <summary>
    /// Forwards a track's units and reports in-band parameter set changes, never before the observer heard
    /// <see cref="IRtspPullObserver.OnPlaying"/>: units finished earlier (RTP right behind the PLAY response) wait
    /// here, at most <see cref="MaxEarlyUnits"/>, and are released if the session never plays.
    /// </summary>
    private sealed class TrackSink(RtspPullSession session, SdpTrack track) : IAccessUnitSink
    {
        private const int MaxEarlyUnits = 64;
        private const int Waiting = 0, Flowing = 1, Closed = 2;
        private readonly object _gate = new();
        private readonly List<AccessUnit> _early = new();
        private NalUnitAssembler? _assembler;
        private int _version;
        private int _state;

        public void Attach(RtpDepacketizer depacketizer)
        {
            _assembler = depacketizer as NalUnitAssembler;
            _version = _assembler?.ParameterSets.Version ?? 0;
        }

        public void OnAccessUnit(AccessUnit unit)
        {
            if (Volatile.Read(ref _state) != Flowing)
            {
                lock (_gate)
                {
                    if (_state == Waiting && _early.Count < MaxEarlyUnits)
                    {
                        _early.Add(unit);
                        return;
                    }
                    if (_state != Flowing)
                    {
                        unit.Release();
                        return;
                    }
                }
            }
            Deliver(unit);
        }

        /// <summary>After OnPlaying: delivers the early units, then lets every unit through.</summary>
        public void Open()
        {
            lock (_gate)
            {
                if (_state != Waiting) return;
                var i = 0;
                try
                {
                    // Under the lock: a unit finished meanwhile waits for these, so the order holds.
                    for (; i < _early.Count; i++) Deliver(_early[i]);
                }
                finally
                {
                    for (i++; i < _early.Count; i++) _early[i].Release();
                    _early.Clear();
                    Volatile.Write(ref _state, Flowing);
                }
            }
        }

        /// <summary>The session is over: releases what never went out; later units are released at once.</summary>
        public void Close()
        {
            lock (_gate)
            {
                foreach (var unit in _early) unit.Release();
                _early.Clear();
                Volatile.Write(ref _state, Closed);
            }
        }

        private void Deliver(AccessUnit unit)
        {
            if (_assembler is { } a && a.ParameterSets.Version != _version)
            {
                _version = a.ParameterSets.Version;
                session._observer.OnParametersChanged(track, a.ParameterSets.Snapshot());
            }
            session._observer.OnAccessUnit(track, unit);
        }
    }

    private IPEndPoint? RemoteRtcp(TrackState state, IPAddress? remote) =>
        remote is not null && state.ServerPorts is { } sp ? new IPEndPoint(remote, sp.Second) : null;
}
