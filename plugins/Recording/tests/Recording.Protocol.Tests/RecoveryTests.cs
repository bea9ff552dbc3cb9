using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Plugins.Recording.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>A segment cut at any byte (power loss while it was written) and hostile bytes: the recovery reader keeps
/// exactly the whole frames from the start, or calls the segment unusable, and never throws.</summary>
public sealed class RecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void Cut_at_every_offset_the_recovered_length_ends_after_the_last_whole_frame_before_the_cut()
    {
        var units = Streams.Units(VideoCodec.H264, 160, 90, 2, fps: 10, gop: 5);
        var path = Path.Combine(Streams.Folder("recovery"), "small.ts");
        Streams.Write(path, VideoCodec.H264, units);
        var data = File.ReadAllBytes(path);
        var full = TsScanner.Scan(data);
        Assert.Equal(units.Count, full.Frames.Count);
        Assert.All(full.Frames, f => Assert.True(f.Complete));
        output.WriteLine($"{data.Length} bytes, {full.Frames.Count} frames; checking every cut");

        var unusable = 0;
        for (var cut = 0; cut <= data.Length; cut++)
        {
            var result = SegmentRecovery.Inspect(data.AsSpan(0, cut));
            // Expected: the frames whose bytes all lie before the cut (declared lengths make that exact).
            var whole = full.Frames.TakeWhile(f => f.End <= cut).ToList();
            if (whole.Count == 0)
            {
                Assert.False(result.IsOk, $"cut {cut}: nothing whole, yet {result}");
                Assert.Equal("unusable", result.Failure!.Code);
                unusable++;
                continue;
            }
            Assert.True(result.IsOk, $"cut {cut}: {result}");
            Assert.Equal(whole[^1].End, result.Value.Length);
            Assert.Equal(whole.Count, result.Value.Frames);
            Assert.Equal(whole[^1].Pts, result.Value.LastPts);
        }
        Assert.Equal(full.Frames[0].End, unusable);
    }

    [Fact]
    public void A_recovered_file_is_cut_to_its_whole_frames_and_ffmpeg_decodes_it_without_error()
    {
        var units = Streams.Units(VideoCodec.H264, 640, 360, 4);
        var folder = Streams.Folder("recovery");
        var source = Path.Combine(folder, "whole.ts");
        Streams.Write(source, VideoCodec.H264, units);
        var data = File.ReadAllBytes(source);
        var random = new Random(20);
        for (var i = 0; i < 6; i++)
        {
            var cut = random.Next(data.Length / 4, data.Length);
            var path = Path.Combine(folder, $"cut-{cut}.ts");
            File.WriteAllBytes(path, data.AsSpan(0, cut).ToArray());
            var recovered = SegmentRecovery.RecoverFile(path);
            Assert.True(recovered.IsOk, recovered.ToString());
            Assert.Equal(recovered.Value.Length, new FileInfo(path).Length);
            var probe = TsProbe.Probe(path);
            output.WriteLine($"cut at {cut}: kept {recovered.Value.Length}, {recovered.Value.Frames} frames; ffprobe {probe}");
            Assert.Equal(recovered.Value.Frames, probe.Frames);
            Assert.True(probe.FirstIsKeyframe);
            Assert.Equal("", probe.DecodeErrors);
        }
    }

    [Fact]
    public void Hostile_bytes_are_unusable_with_a_reason_and_never_throw()
    {
        var units = Streams.Units(VideoCodec.H264, 160, 90, 2, fps: 10, gop: 5);
        var path = Path.Combine(Streams.Folder("recovery"), "hostile.ts");
        Streams.Write(path, VideoCodec.H264, units);
        var good = File.ReadAllBytes(path);

        Assert.Equal("unusable", SegmentRecovery.Inspect([]).Failure!.Code);
        Assert.Contains("PAT", SegmentRecovery.Inspect(new byte[4096]).Failure!.Message, StringComparison.Ordinal);
        var random = new byte[50_000];
        new Random(1).NextBytes(random);
        Assert.False(SegmentRecovery.Inspect(random).IsOk);

        // Sync lost in the middle: everything before the bad packet is kept.
        var full = TsScanner.Scan(good);
        var broken = good.ToArray();
        var badPacket = full.Frames[8].Start + TsLayout.PacketSize;
        broken[badPacket] = 0x00;
        var kept = SegmentRecovery.Inspect(broken);
        Assert.True(kept.IsOk, kept.ToString());
        Assert.True(kept.Value.Length <= badPacket, $"kept {kept.Value.Length} past the bad packet at {badPacket}");
        Assert.Contains("no sync byte", TsScanner.Scan(broken).Problem, StringComparison.Ordinal);

        // A PES header that is not one.
        var header = good.ToArray();
        var pes = (int)full.Frames[3].Start;
        var at = pes + 4 + 1 + header[pes + 4]; // after the adaptation field
        header[at] = 0x47;
        Assert.Contains("no PES start code", TsScanner.Scan(header).Problem, StringComparison.Ordinal);
        Assert.Equal(3, SegmentRecovery.Inspect(header).Value.Frames);

        // A segment whose first frame is not a keyframe (its random access flag cleared).
        var notKey = good.ToArray();
        notKey[(int)full.Frames[0].Start + 5] &= 0xBF;
        Assert.Contains("not a keyframe", SegmentRecovery.Inspect(notKey).Failure!.Message, StringComparison.Ordinal);

        // Bit flips everywhere: an answer, not an exception.
        var flips = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var copy = good.ToArray();
            for (var k = 0; k < 5; k++) copy[flips.Next(copy.Length)] ^= (byte)(1 << flips.Next(8));
            var result = SegmentRecovery.Inspect(copy);
            if (result.IsOk) Assert.True(result.Value.Length <= copy.Length);
        }

        var missing = SegmentRecovery.RecoverFile(Path.Combine(Streams.Folder("recovery"), "missing.ts"));
        Assert.Equal("io", missing.Failure!.Code);
    }
}
