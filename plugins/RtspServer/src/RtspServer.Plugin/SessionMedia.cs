using System.Buffers;
using System.Net;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Packetizers;
using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>
/// The media of one session: a hub subscription read by one loop, each unit packetized for its track and sent
/// interleaved on the RTSP connection (all packets of a unit in one write) or as UDP datagrams, with an RTCP sender
/// report per track every few seconds. A slow TCP client blocks only this loop: the hub drops its backlog and
/// resumes it at the next keyframe, so neither the other clients nor the ingest wait.
/// </summary>
internal sealed class SessionMedia : IRtpPacketSink
{
    private static readonly TimeSpan SenderReportInterval = TimeSpan.FromSeconds(5);
    private readonly RtspServerSession _session;
    private readonly IStreamHub _hub;
    private readonly RtspConnection? _connection;
    private readonly int _queueUnits;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly Dictionary<int, TrackOutput> _tracks = new();
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);
    private readonly byte[] _rtcp = new byte[RtcpSenderReport.MaxSize + 4];
    private readonly object _gate = new();
    private CancellationTokenSource? _running;
    private Task _loop = Task.CompletedTask;
    private TrackOutput? _current;

    public SessionMedia(RtspServerSession session, IStreamHub hub, RtspConnection? connection, int queueUnits, TimeProvider time, ServerMetrics metrics)
    {
        _session = session;
        _hub = hub;
        _connection = connection;
        _queueUnits = queueUnits;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>UDP socket pairs by track (set at SETUP, closed by the backend).</summary>
    public Dictionary<int, UdpPair> UdpPairs { get; } = new();

    /// <summary>Starts (or resumes) the loop; returns the RTP-Info value.</summary>
    public string Play(StreamDescriptor stream, string baseUrl)
    {
        lock (_gate)
        {
            foreach (var delivery in _session.Tracks)
            {
                if (_tracks.ContainsKey(delivery.Track)) continue;
                var track = stream.Tracks.FirstOrDefault(t => t.Index == delivery.Track);
                if (track is null || PacketizerFactory.Create(track, delivery.Ssrc, (ushort)Random.Shared.Next(0, 65536)) is not { } packetizer) continue;
                UdpPairs.TryGetValue(delivery.Track, out var pair);
                _tracks[delivery.Track] = new TrackOutput(delivery, packetizer, (uint)Random.Shared.NextInt64(0, uint.MaxValue), pair);
            }
            if (_running is null)
            {
                _running = new CancellationTokenSource();
                var subscription = _hub.Subscribe(_session.StreamName, _queueUnits);
                var token = _running.Token;
                var previous = _loop;
                // A paused loop may still be finishing its last unit: the new one starts after it (they share buffers).
                _loop = Task.Run(async () =>
                {
                    await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await RunAsync(subscription, token).ConfigureAwait(false);
                });
            }
            return string.Join(',', _tracks.Values.Select(t =>
                $"url={baseUrl}/{SdpWriter.TrackControl(t.Delivery.Track)};seq={t.Packetizer.NextSequence}"));
        }
    }

    /// <summary>Stops the loop (PAUSE, TEARDOWN, timeout); the packetizers keep their sequence numbers.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _running?.Cancel();
            _running?.Dispose();
            _running = null;
        }
    }

    public Task Completion => _loop;

    private async Task RunAsync(IStreamSubscription subscription, CancellationToken ct)
    {
        using var _ = subscription;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var unit = await subscription.ReadAsync(ct).ConfigureAwait(false);
                int length;
                long capture;
                try
                {
                    length = Packetize(unit);
                    capture = unit.CaptureTimeUnixMicroseconds;
                }
                finally
                {
                    unit.Release();
                }
                if (length > 0 && _connection is not null)
                    await _connection.SendMediaAsync(_out.WrittenMemory, ct).ConfigureAwait(false);
                if (length > 0 && capture > 0) _metrics.RecordDeparture(NowMicros() - capture);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The subscription or the connection went away: nothing more to send.
        }
        catch (System.Net.Sockets.SocketException)
        {
            // A UDP client unreachable or the connection reset: the session ends by timeout or teardown.
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Packetizes one unit into <see cref="_out"/> (TCP) or sends it (UDP); returns bytes for TCP.</summary>
    private int Packetize(AccessUnit unit)
    {
        if (!_tracks.TryGetValue(unit.Track, out var track)) return 0;
        _out.ResetWrittenCount();
        var rtpTime = (uint)(unit.Timestamp + track.Offset);
        _current = track;
        track.Packetizer.Packetize(unit.Payload.Span, rtpTime, this);
        _current = null;
        if (unit.CaptureTimeUnixMicroseconds > 0 || track.LastReport == default)
        {
            var now = _time.GetUtcNow();
            if (now - track.LastReport >= SenderReportInterval)
            {
                track.LastReport = now;
                var capture = unit.CaptureTimeUnixMicroseconds > 0 ? unit.CaptureTimeUnixMicroseconds : NowMicros();
                var n = RtcpSenderReport.Write(_rtcp.AsSpan(4), track.Packetizer.Ssrc, capture, rtpTime,
                    track.Packetizer.PacketCount, track.Packetizer.OctetCount, "appliance");
                SendRtcp(track, _rtcp.AsSpan(4, n));
            }
        }
        return track.Delivery.Tcp ? _out.WrittenCount : 0;
    }

    public void OnPacket(ReadOnlySpan<byte> packet)
    {
        var track = _current!;
        if (track.Delivery.Tcp)
        {
            var span = _out.GetSpan(packet.Length + 4);
            span[0] = (byte)'$';
            span[1] = (byte)track.Delivery.Channels!.Value.First;
            span[2] = (byte)(packet.Length >> 8);
            span[3] = (byte)packet.Length;
            packet.CopyTo(span[4..]);
            _out.Advance(packet.Length + 4);
        }
        else if (track.Udp is { } pair)
        {
            pair.Rtp.SendTo(packet, System.Net.Sockets.SocketFlags.None, track.Delivery.ClientRtp!);
        }
    }

    private void SendRtcp(TrackOutput track, ReadOnlySpan<byte> report)
    {
        if (track.Delivery.Tcp)
        {
            var span = _out.GetSpan(report.Length + 4);
            span[0] = (byte)'$';
            span[1] = (byte)track.Delivery.Channels!.Value.Second;
            span[2] = (byte)(report.Length >> 8);
            span[3] = (byte)report.Length;
            report.CopyTo(span[4..]);
            _out.Advance(report.Length + 4);
        }
        else if (track.Udp is { } pair)
        {
            pair.Rtcp.SendTo(report, System.Net.Sockets.SocketFlags.None, track.Delivery.ClientRtcp!);
        }
    }

    private long NowMicros() => (_time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    private sealed class TrackOutput(RtspTrackDelivery delivery, RtpPacketizer packetizer, uint offset, UdpPair? udp)
    {
        public RtspTrackDelivery Delivery { get; } = delivery;
        public RtpPacketizer Packetizer { get; } = packetizer;
        public uint Offset { get; } = offset;
        public UdpPair? Udp { get; } = udp;
        public DateTimeOffset LastReport { get; set; }
    }
}
