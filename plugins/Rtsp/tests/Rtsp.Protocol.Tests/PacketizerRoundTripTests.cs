using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Packetizers;
using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Appliance.Plugins.Rtsp.Protocol.Server;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>
/// The server's packetizers against the ingest's depacketizers (written from the RFCs independently): whatever one
/// packs, the other must give back byte for byte, for NAL units that fit, aggregate and fragment.
/// </summary>
public sealed class PacketizerRoundTripTests
{
    private readonly AccessUnitPool _units = new(new CountingPool(), reuseDelay: 0);

    private sealed class Packets : Packetizers.IRtpPacketSink
    {
        public List<byte[]> All { get; } = new();
        public void OnPacket(ReadOnlySpan<byte> packet) => All.Add(packet.ToArray());
    }

    private static byte[] AnnexB(params byte[][] nals) => nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n)).ToArray();

    private static byte[] Nal(byte header, int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        data[0] = header;
        for (var i = 1; i < data.Length; i++) if (data[i] == 0) data[i] = 7; // no start codes inside
        return data;
    }

    private List<byte[]> RoundTrip(RtpPacketizer packetizer, RtpDepacketizer depacketizer, CollectingSink sink, params byte[][] units)
    {
        var packets = new Packets();
        uint ts = 1000;
        foreach (var unit in units)
        {
            packetizer.Packetize(unit, ts, packets);
            ts += 3000;
        }
        foreach (var data in packets.All)
        {
            Assert.True(data.Length <= packetizer.MaxPacketSize);
            Assert.Equal(RtpParseError.None, RtpPacket.TryParse(data, out var p));
            depacketizer.Push(p, p.Timestamp);
        }
        // One more unit flushes a depacketizer that waits for the next timestamp.
        packetizer.Packetize(units[^1], ts, packets);
        foreach (var data in packets.All.Skip(packets.All.Count - 1)) { RtpPacket.TryParse(data, out var p); depacketizer.Push(p, p.Timestamp); }
        return sink.Units.Select(u => u.Data).ToList();
    }

    [Fact]
    public void H264_single_stap_a_and_fu_a_come_back_as_the_same_access_units()
    {
        var sps = H264DepacketizerTests.Sps;
        var pps = H264DepacketizerTests.Pps;
        var idr = Nal(0x65, 5000, 1);   // fragmented (FU-A)
        var p1 = Nal(0x41, 300, 2);     // single
        var p2 = Nal(0x41, 1388, 3);    // exactly one payload
        var sink = new CollectingSink();
        var packetizer = new H264Packetizer(96, 0x1234, 65530, 1400); // sequence numbers wrap too
        var units = RoundTrip(packetizer, new H264Depacketizer(0, _units, sink, [sps, pps]), sink,
            AnnexB(sps, pps, idr), AnnexB(p1), AnnexB(p2), AnnexB([0x09, 0xF0], p1));
        Assert.True(units.Count >= 4, $"{units.Count} units");
        Assert.Equal(AnnexB(sps, pps, idr), units[0]);
        Assert.Equal(AnnexB(p1), units[1]);
        Assert.Equal(AnnexB(p2), units[2]);
        Assert.Equal(AnnexB(p1), units[3]); // the access unit delimiter is not sent
    }

    [Fact]
    public void H265_aggregation_and_fragmentation_come_back_as_the_same_access_units()
    {
        byte[] vps = [0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF];
        byte[] sps = [0x42, 0x01, 0x01, 0x01, 0x60, 0x80]; // a NAL unit ends in its stop bit, never in 0x00
        byte[] pps = [0x44, 0x01, 0xC1, 0x72];
        var idr = Nal(0x26, 4000, 4);
        idr[1] = 0x01;
        var trail = Nal(0x02, 200, 5);
        trail[1] = 0x01;
        var sink = new CollectingSink();
        var units = RoundTrip(new H265Packetizer(96, 7, 1), new H265Depacketizer(0, _units, sink, [vps, sps, pps]), sink,
            AnnexB(vps, sps, pps, idr), AnnexB(trail));
        Assert.Equal(AnnexB(vps, sps, pps, idr), units[0]);
        Assert.Equal(AnnexB(trail), units[1]);
    }

    [Fact]
    public void Aac_frames_small_and_fragmented_come_back_whole()
    {
        var small = Nal(0x21, 300, 6);
        var large = Nal(0x21, 3000, 7);
        var sink = new CollectingSink();
        var packets = new Packets();
        var packetizer = new AacPacketizer(97, 9, 100);
        packetizer.Packetize(small, 0, packets);
        packetizer.Packetize(large, 1024, packets);
        var depacketizer = new AacDepacketizer(1, _units, sink, 13, 3, 3);
        foreach (var data in packets.All) { RtpPacket.TryParse(data, out var p); depacketizer.Push(p, p.Timestamp); }
        Assert.Equal([small, large], sink.Units.Select(u => u.Data).ToList());
        Assert.True(packets.All.Count >= 4);
    }

    [Fact]
    public void G711_frames_split_with_advancing_timestamps()
    {
        var frame = Nal(0xFF, 3000, 8);
        var packets = new Packets();
        new G711Packetizer(0, 1, 0, 1012).Packetize(frame, 8000, packets);
        Assert.Equal(3, packets.All.Count);
        var timestamps = packets.All.Select(d => { RtpPacket.TryParse(d, out var p); return p.Timestamp; }).ToList();
        Assert.Equal([8000u, 9000u, 10000u], timestamps);
        Assert.Equal(frame, packets.All.SelectMany(d => d[12..]).ToArray());
    }

    [Fact]
    public void The_server_sdp_parses_back_into_the_same_tracks_with_their_parameters()
    {
        var aacConfig = new byte[] { 0x14, 0x08 };
        var stream = new StreamDescriptor("camera/lobby", [
            new MediaTrack(0, MediaCodec.H264, 90000, "H264", [H264DepacketizerTests.Sps, H264DepacketizerTests.Pps]),
            new MediaTrack(1, MediaCodec.Aac, 16000, "MPEG4-GENERIC", [aacConfig], 1),
            new MediaTrack(2, MediaCodec.Pcmu, 8000, "PCMU", []),
        ]);
        var sdp = SdpWriter.Write(stream, "192.0.2.1", 1);
        var parsed = SdpParser.Parse(sdp);
        Assert.True(parsed.IsOk, parsed.Failure?.Message);
        var (tracks, skipped) = SdpTrackMapper.Map(parsed.Value!, "rtsp://192.0.2.1:554/camera/lobby/");
        Assert.Empty(skipped);
        Assert.Equal([MediaCodec.H264, MediaCodec.Aac, MediaCodec.Pcmu], tracks.Select(t => t.Codec));
        Assert.Equal([H264DepacketizerTests.Sps, H264DepacketizerTests.Pps], tracks[0].Parameters);
        Assert.Equal(aacConfig, tracks[1].Parameters.Single());
        Assert.Equal("rtsp://192.0.2.1:554/camera/lobby/trackID=1", tracks[1].ControlUrl);
        Assert.Equal(0, tracks[2].PayloadType);
        Assert.Contains("profile-level-id=" + Convert.ToHexString(H264DepacketizerTests.Sps, 1, 3), sdp);
    }

    [Fact]
    public void Sender_report_ntp_time_is_the_capture_time()
    {
        var capture = new DateTimeOffset(2026, 12, 2, 18, 0, 0, 123, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000 + 456;
        var buffer = new byte[RtcpSenderReport.MaxSize];
        var n = RtcpSenderReport.Write(buffer, 0xABCD, capture, 90000, 10, 1000, "appliance");
        Assert.Equal(0, n % 4);
        var summary = Rtcp.RtcpPackets.Read(buffer.AsSpan(0, n));
        Assert.True(summary.Valid && summary.HasSenderReport, summary.Error);
        var ntp = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(8));
        Assert.Equal(capture, RtcpSenderReport.FromNtp(ntp));
    }
}
