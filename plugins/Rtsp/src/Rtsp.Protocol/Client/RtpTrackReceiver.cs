using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Rtcp;
using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

/// <summary>
/// Everything between the socket and the depacketizer for one track: RTP header check, reception statistics,
/// sequence reordering, timestamp unwrapping (mapped onto a caller-chosen start so a reconnect continues the
/// timeline), and the RTCP side (sender reports in, receiver reports out). One thread feeds it.
/// </summary>
public sealed class RtpTrackReceiver : IRtpPacketSink, IDisposable
{
    private readonly TimeProvider _time;
    private readonly RtpTimestampUnwrapper _unwrapper = new();
    private readonly long? _startTimestamp;
    private long _offset;
    private bool _mapped;
    private long _lastPacketTimestamp;
    private uint _lastSenderReport;
    private long _lastSenderReportAt;

    public RtpTrackReceiver(SdpTrack track, RtpDepacketizer depacketizer, TimeProvider time, long? startTimestamp = null, int reorderWindow = 8)
    {
        Track = track;
        Depacketizer = depacketizer;
        _time = time;
        _startTimestamp = startTimestamp;
        Reorder = new RtpReorderBuffer(reorderWindow);
        _lastPacketTimestamp = time.GetTimestamp();
    }

    public SdpTrack Track { get; }
    public RtpDepacketizer Depacketizer { get; }
    public RtpReceiverStatistics Statistics { get; } = new();
    public RtpReorderBuffer Reorder { get; }

    /// <summary>Datagrams/frames that were not valid RTP.</summary>
    public long InvalidPackets;

    /// <summary>RTP packets with another payload type than the track's (e.g. comfort noise).</summary>
    public long ForeignPayloadType;

    /// <summary>UDP datagrams dropped because they did not come from the negotiated source (server address and server_port).</summary>
    public long ForeignSourceDatagrams;

    /// <summary>At least one valid RTP packet of this track arrived.</summary>
    public bool AnyPacket => Volatile.Read(ref _anyPacket);

    private bool _anyPacket;
    private IPAddress? _sourceAddress;
    private SocketAddress? _rtpSource;
    private SocketAddress? _rtcpSource;

    public long RtcpReceived;
    public long InvalidRtcp;
    public bool ByeReceived { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Mapped timestamp of the last packet handed to the depacketizer (continuation point for a reconnect).</summary>
    public long LastTimestamp { get; private set; }

    public bool HasTimestamp => _mapped;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last RTP packet (or of creation).</summary>
    public long LastPacketAt => Volatile.Read(ref _lastPacketTimestamp);

    /// <summary>
    /// UDP mode: only datagrams from <paramref name="server"/> are accepted, and when the server announced its
    /// server_port pair, only from those ports (RTP from the first, RTCP from the second).
    /// </summary>
    public void ExpectSource(AddressFamily socketFamily, IPAddress server, Rtsp.RtspPortPair? serverPorts)
    {
        var address = socketFamily == AddressFamily.InterNetworkV6 && server.AddressFamily == AddressFamily.InterNetwork ? server.MapToIPv6() : server;
        _sourceAddress = address;
        if (serverPorts is { } p && p.First is > 0 and < 65536 && p.Second is > 0 and < 65536)
        {
            _rtpSource = new IPEndPoint(address, p.First).Serialize();
            _rtcpSource = new IPEndPoint(address, p.Second).Serialize();
        }
    }

    /// <summary>True when a datagram from <paramref name="from"/> may be read (counts it otherwise).</summary>
    public bool AcceptsFrom(SocketAddress from, bool rtcp)
    {
        if (_sourceAddress is null) return true;
        var expected = rtcp ? _rtcpSource : _rtpSource;
        bool ok;
        if (expected is not null) ok = expected.Equals(from);
        else ok = ((IPEndPoint)new IPEndPoint(_sourceAddress, 0).Create(from)).Address.Equals(_sourceAddress);
        if (!ok) Interlocked.Increment(ref ForeignSourceDatagrams);
        return ok;
    }

    public void OnRtpDatagram(ReadOnlySpan<byte> data)
    {
        var error = RtpPacket.TryParse(data, out var packet);
        if (error != RtpParseError.None)
        {
            InvalidPackets++;
            LastError = error switch
            {
                RtpParseError.TooShort => "RTP packet shorter than 12 bytes",
                RtpParseError.BadVersion => "RTP version is not 2",
                RtpParseError.CsrcBeyondPacket => "RTP CSRC list beyond the packet",
                RtpParseError.ExtensionBeyondPacket => "RTP header extension beyond the packet",
                _ => "RTP padding larger than the packet",
            };
            return;
        }
        if (packet.PayloadType != Track.PayloadType)
        {
            ForeignPayloadType++;
            return;
        }
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastPacketTimestamp, now);
        if (!_anyPacket) Volatile.Write(ref _anyPacket, true);
        var arrival = (long)(now / (double)_time.TimestampFrequency * Track.ClockRate);
        Statistics.OnPacket(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, arrival);
        Reorder.Push(data, packet.SequenceNumber, this);
    }

    public void OnRtcpDatagram(ReadOnlySpan<byte> data)
    {
        var summary = RtcpPackets.Read(data);
        if (!summary.Valid)
        {
            InvalidRtcp++;
            LastError = summary.Error;
            return;
        }
        RtcpReceived++;
        if (summary.HasSenderReport)
        {
            Volatile.Write(ref _lastSenderReport, summary.LastSenderReport);
            Volatile.Write(ref _lastSenderReportAt, _time.GetTimestamp());
        }
        if (summary.HasBye) ByeReceived = true;
    }

    /// <summary>Writes an RR+SDES compound packet for this track into <paramref name="destination"/> (≥ 300 bytes).</summary>
    public int WriteReceiverReport(Span<byte> destination, uint reporterSsrc, string cname)
    {
        var (fraction, cumulative) = Statistics.TakeIntervalLoss();
        var lsr = Volatile.Read(ref _lastSenderReport);
        var lsrAt = Volatile.Read(ref _lastSenderReportAt);
        uint dlsr = 0;
        if (lsr != 0)
        {
            var elapsed = _time.GetElapsedTime(lsrAt).TotalSeconds;
            dlsr = (uint)Math.Clamp(elapsed * 65536, 0, uint.MaxValue);
        }
        var block = new RtcpReportBlock(Statistics.Ssrc, fraction, cumulative, (uint)Statistics.ExtendedHighestSequence, Statistics.Jitter, lsr, dlsr);
        return RtcpPackets.WriteReceiverReport(destination, reporterSsrc, block, cname);
    }

    void IRtpPacketSink.OnRtp(ReadOnlySpan<byte> raw)
    {
        if (RtpPacket.TryParse(raw, out var packet) != RtpParseError.None) return;
        var unwrapped = _unwrapper.Unwrap(packet.Timestamp);
        if (!_mapped)
        {
            _offset = _startTimestamp is { } start ? start - unwrapped : 0;
            _mapped = true;
        }
        LastTimestamp = unwrapped + _offset;
        Depacketizer.Push(packet, LastTimestamp);
    }

    void IRtpPacketSink.OnLoss(int packets) => Depacketizer.OnLoss();

    public void Dispose()
    {
        Depacketizer.Dispose();
        Reorder.Dispose();
    }

}
