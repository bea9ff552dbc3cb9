using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class H264DepacketizerTests
{
    internal static readonly byte[] Sps = Convert.FromBase64String("Z0LAH9oBQBbsBagICAoAAAMAAgAAAwBlHjBlQA==");
    internal static readonly byte[] Pps = Convert.FromBase64String("aM48gA==");
    private static readonly byte[] Idr = [0x65, 0x88, 0x84, 0x00, 0x33, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly byte[] PSlice = [0x41, 0x9A, 0x02, 0x03, 0x04];

    private readonly AccessUnitPool _units = new(new CountingPool(), reuseDelay: 0);
    private readonly CollectingSink _sink = new();
    private ushort _seq;

    private CountingPool Buffers => (CountingPool)_units.Buffers;

    private H264Depacketizer New(bool withSdp = true) => new(0, _units, _sink, withSdp ? [Sps, Pps] : null);

    private void Push(RtpDepacketizer d, uint ts, bool marker, byte[] payload)
    {
        var data = RtpTests.Packet(_seq++, ts, marker, payload);
        RtpPacket.TryParse(data, out var p);
        d.Push(p, ts);
    }

    internal static byte[] StapA(params byte[][] nals)
    {
        var list = new List<byte> { 0x78 };
        foreach (var n in nals)
        {
            list.Add((byte)(n.Length >> 8));
            list.Add((byte)n.Length);
            list.AddRange(n);
        }
        return list.ToArray();
    }

    internal static List<byte[]> FuA(byte[] nal, int chunk)
    {
        var list = new List<byte[]>();
        var body = nal[1..];
        for (var i = 0; i < body.Length; i += chunk)
        {
            var part = body[i..Math.Min(body.Length, i + chunk)];
            var header = (byte)(nal[0] & 0x1F);
            if (i == 0) header |= 0x80;
            if (i + chunk >= body.Length) header |= 0x40;
            list.Add([(byte)((nal[0] & 0xE0) | 28), header, .. part]);
        }
        return list;
    }

    [Fact]
    public void SingleNalUnitsMakeAnAccessUnitAtTheMarker()
    {
        using var d = New();
        Push(d, 3000, false, Sps);
        Push(d, 3000, false, Pps);
        Push(d, 3000, true, Idr);
        Push(d, 6000, true, PSlice);
        Assert.Equal(2, _sink.Units.Count);
        var key = _sink.Units[0];
        Assert.True(key.Key);
        Assert.Equal(3000, key.Timestamp);
        Assert.Equal([Sps, Pps, Idr], Annexb.Split(key.Data));
        Assert.False(_sink.Units[1].Key);
        Assert.Equal([PSlice], Annexb.Split(_sink.Units[1].Data));
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Fact]
    public void StapAAndFuAAreReassembled()
    {
        using var d = New();
        var bigIdr = new byte[5000];
        bigIdr[0] = 0x65;
        new Random(1).NextBytes(bigIdr.AsSpan(1));
        Push(d, 1, false, StapA(Sps, Pps));
        var fragments = FuA(bigIdr, 1400);
        for (var i = 0; i < fragments.Count; i++) Push(d, 1, i == fragments.Count - 1, fragments[i]);
        var unit = Assert.Single(_sink.Units);
        Assert.True(unit.Key);
        Assert.Equal([Sps, Pps, bigIdr], Annexb.Split(unit.Data));
    }

    [Fact]
    public void KeyframesWithoutInBandParameterSetsGetTheTrackedOnes()
    {
        using var d = New(withSdp: true);
        Push(d, 1, true, Idr);
        Assert.Equal([Sps, Pps, Idr], Annexb.Split(_sink.Units[0].Data));
    }

    [Fact]
    public void InBandParameterSetsReplaceTheSdpOnesAndAreCountedAsChanges()
    {
        using var d = New();
        var version = d.ParameterSets.Version;
        var newSps = (byte[])Sps.Clone();
        newSps[^1] ^= 1;
        Push(d, 1, false, newSps);
        Push(d, 1, true, Idr);
        Push(d, 2, true, Idr);
        Assert.Equal(version + 1, d.ParameterSets.Version);
        Assert.Equal([newSps, Pps, Idr], Annexb.Split(_sink.Units[1].Data));
    }

    [Fact]
    public void UnitsBeforeTheFirstKeyframeAreDropped()
    {
        using var d = New();
        Push(d, 1, true, PSlice);
        Push(d, 2, true, PSlice);
        Push(d, 3, true, Idr);
        Push(d, 4, true, PSlice);
        Assert.Equal([true, false], _sink.Units.Select(u => u.Key));
        Assert.Equal(2, d.UnitsBeforeKeyframe);
    }

    [Fact]
    public void ATimestampChangeEndsAUnitWhoseMarkerWasLost()
    {
        using var d = New();
        Push(d, 1, false, Idr);
        Push(d, 2, false, PSlice);
        Assert.Single(_sink.Units);
        Assert.Equal(1, _sink.Units[0].Timestamp);
    }

    [Fact]
    public void TruncatedFuAIsDroppedAndTheStreamRecovers()
    {
        using var d = New();
        var fragments = FuA([0x65, .. new byte[3000]], 1000);
        Push(d, 1, false, fragments[0]);
        Push(d, 1, true, fragments[1]); // the end fragment never comes; the marker ends the unit
        Assert.Empty(_sink.Units);
        Assert.Equal(1, d.Counters.UnfinishedFragments);
        Assert.Equal(1, d.Counters.DamagedUnitsDropped);
        Push(d, 2, true, Idr);
        Assert.Single(_sink.Units);
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Fact]
    public void FuAWithoutStartIsDroppedAndCounted()
    {
        using var d = New();
        Push(d, 1, true, Idr);
        var fragments = FuA([0x41, .. new byte[3000]], 1000);
        Push(d, 2, false, fragments[1]);
        Push(d, 2, true, fragments[2]);
        Assert.Single(_sink.Units);
        Assert.Equal(2, d.Counters.FragmentsWithoutStart);
        Assert.Equal("fragment without a start fragment", d.Counters.LastError);
        Push(d, 3, true, PSlice);
        Assert.Equal(2, _sink.Units.Count);
    }

    [Theory]
    [InlineData(new byte[] { 0x78 }, "empty STAP-A")]
    [InlineData(new byte[] { 0x78, 0x00 }, "truncated inside a NAL size")]
    [InlineData(new byte[] { 0x78, 0x00, 0x00 }, "beyond the packet")]
    [InlineData(new byte[] { 0x78, 0x00, 0x05, 0x41, 0x01 }, "beyond the packet")]
    [InlineData(new byte[] { 0x78, 0x00, 0x02, 0x41, 0x01, 0x00, 0x09, 0x41 }, "beyond the packet")]
    [InlineData(new byte[] { 0x78, 0x00, 0x02, 0x18, 0x01 }, "invalid NAL unit")]
    public void BadStapALengthsDamageTheUnit(byte[] payload, string error)
    {
        using var d = New();
        Push(d, 1, true, Idr);
        Push(d, 2, true, payload);
        Assert.Single(_sink.Units);
        Assert.Contains(error, d.Counters.LastError);
        Assert.True(d.Counters.BadAggregates >= 1);
        Push(d, 3, true, PSlice);
        Assert.Equal(2, _sink.Units.Count);
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 }, "forbidden_zero_bit")]
    [InlineData(new byte[] { 0x00 }, "type 0, 30 or 31")]
    [InlineData(new byte[] { 0x7C, 0x85 }, "FU-A shorter")]
    [InlineData(new byte[] { 0x7C, 0x80, 0x01 }, "invalid NAL unit type")]
    public void MalformedPayloadsAreCounted(byte[] payload, string error)
    {
        using var d = New();
        Push(d, 1, true, payload);
        Assert.Contains(error, d.Counters.LastError);
        Assert.Equal(1, d.Counters.MalformedPackets);
    }

    [Fact]
    public void InterleavedModePacketsAreUnsupported()
    {
        using var d = New();
        Push(d, 1, true, [0x79, 0, 0]); // STAP-B
        Assert.Equal(1, d.Counters.UnsupportedPackets);
    }

    [Fact]
    public void LossInsideAUnitDropsThatUnitOnly()
    {
        using var d = New();
        Push(d, 1, true, Idr);
        var fragments = FuA([0x41, .. new byte[3000]], 1000);
        Push(d, 2, false, fragments[0]);
        d.OnLoss();
        Push(d, 2, true, fragments[2]);
        Push(d, 3, true, PSlice);
        Assert.Equal([1L, 3L], _sink.Units.Select(u => u.Timestamp));
        Assert.Equal(1, d.Counters.DamagedUnitsDropped);
    }

    [Fact]
    public void AfterGapMarksTheFirstUnitOnly()
    {
        using var d = New();
        d.NextUnitAfterGap = true;
        Push(d, 1, true, Idr);
        Push(d, 2, true, PSlice);
        Assert.Equal([true, false], _sink.Units.Select(u => u.AfterGap));
    }

    [Fact]
    public void SeededRandomPayloadsNeverThrowAndReleaseEverything()
    {
        var random = new Random(6184);
        using (var d = New())
        {
            for (var i = 0; i < 20000; i++)
            {
                var payload = new byte[random.Next(1, 300)];
                random.NextBytes(payload);
                if (random.Next(3) == 0) payload[0] = (byte)((payload[0] & 0x60) | (random.Next(2) == 0 ? 28 : 24));
                if (random.Next(5) == 0) d.OnLoss();
                Push(d, (uint)(i / 5), random.Next(4) == 0, payload);
            }
        }
        Assert.Equal(0, Buffers.Outstanding);
        Assert.Equal(0, _units.Outstanding);
    }
}
