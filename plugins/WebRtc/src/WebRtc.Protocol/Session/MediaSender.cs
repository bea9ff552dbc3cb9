using System.Buffers.Binary;
using Appliance.Plugins.WebRtc.Protocol.Rtcp;
using Appliance.Plugins.WebRtc.Protocol.Rtp;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Srtp;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>
/// The send side of one session: packetizes access units into RTP, keeps them for NACK, protects with SRTP and
/// hands datagrams to a sink; reads the viewer's SRTCP for PLI/FIR/NACK and receiver reports; writes sender
/// reports. One lock serializes the media thread and the receive loop (both touch the SRTP send context).
/// </summary>
internal sealed class MediaSender : IDisposable
{
    private readonly object _gate = new();
    private readonly NegotiatedSession _negotiated;
    private readonly NalPacketizer _packetizer;
    private readonly RetransmissionHistory _history = new();
    private readonly TimeProvider _time;
    private readonly byte[] _out = new byte[1600];
    private readonly uint _timestampOffset = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
    private SrtpSession? _send;
    private SrtpSession? _receive;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 0x8000);
    private ushort _audioSequence = (ushort)Random.Shared.Next(0, 0x8000);
    private readonly uint _audioTimestampOffset = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
    private bool _audioStarted;
    private readonly int _maxPayload;
    private uint _lastRtpTimestamp;
    private long _lastRtpWallTicks;
    private uint _packets;
    private uint _octets;
    private bool _waitingForKeyframe = true;
    private bool _disposed;

    public MediaSender(NegotiatedSession negotiated, int maxPayload, TimeProvider time)
    {
        _negotiated = negotiated;
        _packetizer = new NalPacketizer(maxPayload, negotiated.VideoCodec.Equals("H265", StringComparison.OrdinalIgnoreCase) ? NalFormat.H265 : NalFormat.H264);
        _maxPayload = maxPayload;
        _time = time;
    }

    public bool Ready
    {
        get { lock (_gate) return _send is not null && !_disposed; }
    }

    /// <summary>Set when the viewer asked for a keyframe (PLI/FIR) and until one was sent.</summary>
    public bool WaitingForKeyframe
    {
        get { lock (_gate) return _waitingForKeyframe; }
    }

    public void StartSrtp(SrtpSession send, SrtpSession receive)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                send.Dispose();
                receive.Dispose();
                return;
            }
            _send = send;
            _receive = receive;
        }
    }

    /// <summary>
    /// Sends one H.264 access unit (Annex-B) with a 90 kHz timestamp. Until a keyframe went out (at start and after
    /// PLI/FIR) delta frames are skipped, so the decoder never sees a frame whose reference it lacks.
    /// Returns the packets sent (0 when skipped or not connected).
    /// </summary>
    public int SendVideo(ReadOnlySpan<byte> accessUnit, long timestamp90k, bool keyframe, PacketSink sink, SessionStatistics stats)
    {
        lock (_gate)
        {
            if (_send is null || _disposed) return 0;
            if (_waitingForKeyframe && !keyframe) return 0;
            _waitingForKeyframe = false;
            var rtpTimestamp = unchecked((uint)timestamp90k + _timestampOffset);
            _lastRtpTimestamp = rtpTimestamp;
            _lastRtpWallTicks = _time.GetTimestamp();
            var send = _send;
            var count = _packetizer.Packetize(accessUnit, rtpTimestamp, _negotiated.VideoSsrc, (byte)_negotiated.VideoPayloadType, () => _sequence++, packet =>
            {
                var seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                packet.CopyTo(_out);
                var protectedLength = send.ProtectRtp(_out, packet.Length);
                _history.Add(seq, send.RolloverCounterOf(_negotiated.VideoSsrc), packet);
                _packets++;
                _octets += (uint)(packet.Length - 12);
                stats.AddSent(protectedLength);
                sink(_out.AsSpan(0, protectedLength));
            });
            if (keyframe) stats.KeyframesSent++;
            stats.FramesSent++;
            return count;
        }
    }

    /// <summary>
    /// Sends G.711 audio as it came from the camera (RFC 3551 PCMU/PCMA: one byte per sample at 8 kHz, so a packet's
    /// timestamp advances by its payload length), cut at the payload limit; the first packet carries the marker.
    /// Returns the packets sent (0 when no audio was negotiated or not connected).
    /// </summary>
    public int SendAudio(ReadOnlySpan<byte> samples, long timestamp8k, PacketSink sink, SessionStatistics stats)
    {
        lock (_gate)
        {
            if (_send is null || _disposed || _negotiated.AudioPayloadType is not { } pt || samples.IsEmpty) return 0;
            var count = 0;
            for (var offset = 0; offset < samples.Length; offset += _maxPayload)
            {
                var chunk = samples.Slice(offset, Math.Min(_maxPayload, samples.Length - offset));
                _out[0] = 0x80;
                _out[1] = (byte)(pt | (_audioStarted ? 0 : 0x80));
                _audioStarted = true;
                BinaryPrimitives.WriteUInt16BigEndian(_out.AsSpan(2), _audioSequence++);
                BinaryPrimitives.WriteUInt32BigEndian(_out.AsSpan(4), unchecked((uint)(timestamp8k + offset) + _audioTimestampOffset));
                BinaryPrimitives.WriteUInt32BigEndian(_out.AsSpan(8), _negotiated.AudioSsrc);
                chunk.CopyTo(_out.AsSpan(12));
                var protectedLength = _send.ProtectRtp(_out, 12 + chunk.Length);
                stats.AddSent(protectedLength);
                sink(_out.AsSpan(0, protectedLength));
                count++;
            }
            return count;
        }
    }

    /// <summary>Handles an SRTCP datagram: a bad tag or replay is dropped; NACKs are answered at once.</summary>
    public RtcpFeedback? OnRtcp(Span<byte> datagram, PacketSink sink, SessionStatistics stats)
    {
        lock (_gate)
        {
            if (_receive is null || _send is null || _disposed) return null;
            var plain = _receive.UnprotectRtcp(datagram, datagram.Length);
            if (!plain.TryGetValue(out var length, out var failure))
            {
                stats.Dropped(failure.Message);
                return null;
            }
            var feedback = RtcpFeedbackReader.Read(datagram[..length], _negotiated.VideoSsrc);
            if (feedback.KeyframeRequested)
            {
                _waitingForKeyframe = true;
                stats.KeyframeRequests++;
            }
            foreach (var seq in feedback.Nacked.Distinct())
            {
                var n = _history.TryCopy(seq, _out, out var roc);
                if (n == 0) continue;
                var protectedLength = _send.ProtectRtpWithRoc(_out, n, roc);
                stats.Retransmitted++;
                stats.AddSent(protectedLength);
                sink(_out.AsSpan(0, protectedLength));
            }
            if (feedback.ReportBlock is { } block && block.LastSr != 0)
            {
                var now = (uint)(SenderReport.ToNtp(_time.GetUtcNow()) >> 16);
                var rttUnits = unchecked(now - block.LastSr - block.DelaySinceLastSr);
                if (rttUnits < 65536 * 10) stats.RoundTripTime = TimeSpan.FromSeconds(rttUnits / 65536.0);
            }
            if (feedback.FractionLost is { } lost) stats.FractionLost = lost / 256.0;
            return feedback;
        }
    }

    /// <summary>Sends an SR for the video SSRC, with the RTP timestamp extrapolated to now.</summary>
    public void SendSenderReport(PacketSink sink, SessionStatistics stats)
    {
        lock (_gate)
        {
            if (_send is null || _disposed || _packets == 0) return;
            var elapsed = _time.GetElapsedTime(_lastRtpWallTicks);
            var rtp = unchecked(_lastRtpTimestamp + (uint)(elapsed.TotalSeconds * 90000));
            var length = SenderReport.Write(_out, _negotiated.VideoSsrc, SenderReport.ToNtp(_time.GetUtcNow()), rtp, _packets, _octets, "appliance");
            var protectedLength = _send.ProtectRtcp(_out, length);
            stats.SenderReports++;
            sink(_out.AsSpan(0, protectedLength));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _send?.Dispose();
            _receive?.Dispose();
        }
    }
}
