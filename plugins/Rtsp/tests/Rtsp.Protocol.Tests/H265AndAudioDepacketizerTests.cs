using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class H265AndAudioDepacketizerTests
{
    private static readonly byte[] Vps = Convert.FromBase64String("QAEMAf//BAgAAAMAmAgAAAMAAD+6AkA=");
    private static readonly byte[] Sps = Convert.FromBase64String("QgEBBAgAAAMAmAgAAAMAAD+QAKBALj4kpS3SUmF/+AAIAAtQYGBgQAAAAwBAAAAGQg==");
    private static readonly byte[] Pps = Convert.FromBase64String("RAHAcDBgMSA=");
    private static readonly byte[] Idr = [0x26, 0x01, 0xAF, 1, 2, 3, 4, 5, 6, 7]; // IDR_W_RADL (19)
    private static readonly byte[] Trail = [0x02, 0x01, 0xD0, 9, 8, 7];           // TRAIL_R (1)

    private readonly AccessUnitPool _units = new(new CountingPool(), reuseDelay: 0);
    private readonly CollectingSink _sink = new();
    private ushort _seq;

    private CountingPool Buffers => (CountingPool)_units.Buffers;

    private void Push(RtpDepacketizer d, uint ts, bool marker, byte[] payload)
    {
        var data = RtpTests.Packet(_seq++, ts, marker, payload);
        RtpPacket.TryParse(data, out var p);
        d.Push(p, ts);
    }

    private static byte[] Ap(params byte[][] nals)
    {
        var list = new List<byte> { 48 << 1, 0x01 };
        foreach (var n in nals)
        {
            list.Add((byte)(n.Length >> 8));
            list.Add((byte)n.Length);
            list.AddRange(n);
        }
        return list.ToArray();
    }

    private static List<byte[]> Fu(byte[] nal, int chunk)
    {
        var type = (nal[0] >> 1) & 0x3F;
        var list = new List<byte[]>();
        var body = nal[2..];
        for (var i = 0; i < body.Length; i += chunk)
        {
            var header = (byte)type;
            if (i == 0) header |= 0x80;
            if (i + chunk >= body.Length) header |= 0x40;
            list.Add([(byte)((nal[0] & 0x81) | (49 << 1)), nal[1], header, .. body[i..Math.Min(body.Length, i + chunk)]]);
        }
        return list;
    }

    [Fact]
    public void H265AggregationAndFragmentationAreReassembled()
    {
        using var d = new H265Depacketizer(0, _units, _sink, [Vps, Sps, Pps]);
        var bigIdr = new byte[4000];
        bigIdr[0] = 0x26;
        bigIdr[1] = 0x01;
        new Random(2).NextBytes(bigIdr.AsSpan(2));
        Push(d, 1, false, Ap(Vps, Sps, Pps));
        var fragments = Fu(bigIdr, 1200);
        for (var i = 0; i < fragments.Count; i++) Push(d, 1, i == fragments.Count - 1, fragments[i]);
        Push(d, 2, true, Trail);
        Assert.Equal(2, _sink.Units.Count);
        Assert.True(_sink.Units[0].Key);
        Assert.Equal([Vps, Sps, Pps, bigIdr], Annexb.Split(_sink.Units[0].Data));
        Assert.Equal([Trail], Annexb.Split(_sink.Units[1].Data));
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Fact]
    public void H265KeyframeGetsTrackedParameterSets()
    {
        using var d = new H265Depacketizer(0, _units, _sink, [Vps, Sps, Pps]);
        Push(d, 1, true, Idr);
        Assert.Equal([Vps, Sps, Pps, Idr], Annexb.Split(_sink.Units[0].Data));
    }

    [Fact]
    public void H265BadInputIsCountedAndTheStreamRecovers()
    {
        using var d = new H265Depacketizer(0, _units, _sink, [Vps, Sps, Pps]);
        Push(d, 1, true, [0x60, 0x01, 0x00, 0x05, 0x26]);       // AP with a size beyond the packet
        Push(d, 2, true, [0x62, 0x01, 0x13, 9]);                // FU continuation without start
        Push(d, 3, true, [0x64, 0x01, 0x00]);                   // PACI
        Push(d, 4, true, [0x26]);                               // too short
        Push(d, 5, true, [0xA6, 0x01, 0x00]);                   // forbidden bit
        Assert.Empty(_sink.Units);
        Assert.Equal(1, d.Counters.BadAggregates);
        Assert.Equal(1, d.Counters.FragmentsWithoutStart);
        Assert.Equal(1, d.Counters.UnsupportedPackets);
        Assert.Equal(2, d.Counters.MalformedPackets);
        Push(d, 6, true, Idr);
        Assert.Single(_sink.Units);
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Fact]
    public void H265RandomPayloadsNeverThrow()
    {
        var random = new Random(7798);
        using (var d = new H265Depacketizer(0, _units, _sink, [Vps, Sps, Pps], donl: true))
        {
            for (var i = 0; i < 10000; i++)
            {
                var payload = new byte[random.Next(1, 200)];
                random.NextBytes(payload);
                if (random.Next(2) == 0) payload[0] = (byte)((random.Next(2) == 0 ? 48 : 49) << 1);
                Push(d, (uint)(i / 4), random.Next(4) == 0, payload);
            }
        }
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    private static byte[] AacPayload(params byte[][] units)
    {
        // AU-headers-length in bits, then 13-bit size + 3-bit index per unit (GStreamer's AAC-hbr).
        var list = new List<byte> { (byte)((units.Length * 16) >> 8), (byte)(units.Length * 16) };
        foreach (var u in units)
        {
            list.Add((byte)(u.Length >> 5));
            list.Add((byte)((u.Length & 0x1F) << 3));
        }
        foreach (var u in units) list.AddRange(u);
        return list.ToArray();
    }

    [Fact]
    public void AacUnitsAreSplitWithPerUnitTimestamps()
    {
        using var d = new AacDepacketizer(1, _units, _sink, 13, 3, 3);
        Push(d, 16000, true, AacPayload([1, 2, 3], [4, 5]));
        Assert.Equal([(16000L, new byte[] { 1, 2, 3 }), (17024L, new byte[] { 4, 5 })], _sink.Units.Select(u => (u.Timestamp, u.Data)));
        Assert.All(_sink.Units, u => Assert.True(u.Key));
    }

    [Fact]
    public void FragmentedAacUnitIsReassembled()
    {
        using var d = new AacDepacketizer(1, _units, _sink, 13, 3, 3);
        var unit = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        byte[] Header() => [0, 16, (byte)(unit.Length >> 5), (byte)((unit.Length & 0x1F) << 3)];
        Push(d, 5, false, [.. Header(), .. unit[..1400]]);
        Push(d, 5, false, [.. Header(), .. unit[1400..2800]]);
        Push(d, 5, true, [.. Header(), .. unit[2800..]]);
        Assert.Equal(unit, Assert.Single(_sink.Units).Data);
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "shorter than the AU-headers-length")]
    [InlineData(new byte[] { 0, 0 }, "AU-headers section beyond")]
    [InlineData(new byte[] { 0, 64, 0, 8 }, "AU-headers section beyond")]
    [InlineData(new byte[] { 0, 32, 0, 80, 0, 80, 1, 2 }, "size beyond the packet")]
    [InlineData(new byte[] { 0, 16, 0, 0 }, "size 0")]
    public void BadAacHeadersAreCounted(byte[] payload, string error)
    {
        using var d = new AacDepacketizer(1, _units, _sink, 13, 3, 3);
        Push(d, 1, true, payload);
        Assert.Contains(error, d.Counters.LastError);
        Push(d, 2, true, AacPayload([9]));
        Assert.Single(_sink.Units);
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Fact]
    public void AacNeedsASizeLength()
    {
        var d = AacDepacketizer.FromFmtp(1, _units, _sink, new Dictionary<string, string> { ["mode"] = "AAC-hbr" });
        Assert.False(d.IsOk);
        Assert.Contains("sizelength", d.Failure!.Message);
    }

    [Fact]
    public void G711PassesPayloadsThrough()
    {
        using var d = new G711Depacketizer(1, _units, _sink);
        Push(d, 160, true, [0xFF, 0x7F, 0x00]);
        Push(d, 320, true, []);
        Assert.Equal(new byte[] { 0xFF, 0x7F, 0x00 }, Assert.Single(_sink.Units).Data);
        Assert.Equal(1, d.Counters.MalformedPackets);
    }
}
