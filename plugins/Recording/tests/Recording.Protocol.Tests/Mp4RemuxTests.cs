using Appliance.Abstractions;
using System.Buffers.Binary;
using System.Text;
using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Recording.Protocol.Mp4;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Plugins.Recording.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Clips rewrapped as MP4 for browsers, checked by ffprobe and ffmpeg (the independent peers): same decoded
/// pictures as the MPEG-TS clip, header first, and clear failures for what is not a recorder's H.264 stream.</summary>
public sealed class Mp4RemuxTests(ITestOutputHelper output)
{
    private static async Task<string> ClipAsync(string name, VideoCodec codec, int seconds = 6)
    {
        var units = Streams.Units(codec, 640, 360, seconds);
        var folder = Streams.Folder("mp4");
        var segments = new List<ClipPiece>();
        for (var s = 0; s * 50 < units.Count; s++)
            segments.Add(new ClipPiece(Streams.Write(Path.Combine(folder, $"seg{s}.ts"), codec, units.Skip(s * 50).Take(50)).Path));
        var clip = Path.Combine(folder, name);
        await using var file = File.Create(clip);
        var cut = await ClipCutter.CutAsync(segments, file, null, CancellationToken.None);
        Assert.True(cut.IsOk, cut.ToString());
        return clip;
    }

    private static Result<Mp4Summary> Remux(string ts, string mp4)
    {
        using var file = File.Create(mp4);
        return Mp4Remuxer.Remux(() => File.OpenRead(ts), file);
    }

    [Fact]
    public async Task An_H264_clip_becomes_an_MP4_with_the_same_pictures_and_its_header_first()
    {
        var ts = await ClipAsync("clip.ts", VideoCodec.H264);
        var mp4 = Path.ChangeExtension(ts, ".mp4");
        var summary = Remux(ts, mp4);
        Assert.True(summary.IsOk, summary.ToString());
        output.WriteLine($"{new FileInfo(ts).Length} bytes TS -> {summary.Value}");
        Assert.Equal((150, 640, 360, 0), (summary.Value.Frames, summary.Value.Width, summary.Value.Height, summary.Value.Discontinuities));
        Assert.Equal(new FileInfo(mp4).Length, summary.Value.Bytes);
        Assert.Equal(6.0, summary.Value.Seconds, 3);

        // ftyp, moov, mdat in that order: a browser can start playing before the media data arrives.
        Assert.Equal(["ftyp", "moov", "mdat"], TopLevelBoxes(File.ReadAllBytes(mp4)));

        var probe = TsProbe.Probe(mp4);
        output.WriteLine($"ffprobe: {probe}");
        Assert.Equal(("h264", 150, true, ""), (probe.Codec, probe.Frames, probe.FirstIsKeyframe, probe.DecodeErrors));
        Assert.InRange(probe.Seconds, 5.99, 6.01);
        var size = TsProbe.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,avg_frame_rate", "-of", "csv=p=0", mp4]).Output.Trim();
        Assert.Equal("640,360,25/1", size);
        // Every decoded picture is the same as the MPEG-TS clip's (no re-encoding, nothing lost or reordered).
        Assert.Equal(FrameHashes(ts), FrameHashes(mp4));
    }

    [Fact]
    public async Task Timestamps_that_jump_back_between_segments_keep_the_frame_rhythm()
    {
        // A camera reconnect can restart its clock: the second segment's timestamps start again at 0.
        var units = Streams.Units(VideoCodec.H264, 320, 180, 4);
        var folder = Streams.Folder("mp4");
        var first = Streams.Write(Path.Combine(folder, "a.ts"), VideoCodec.H264, units.Take(50)).Path;
        var second = Streams.Write(Path.Combine(folder, "b.ts"), VideoCodec.H264, units.Skip(50).Select(u => u with { Pts = u.Pts - units[50].Pts })).Path;
        var ts = Path.Combine(folder, "reset.ts");
        await using (var file = File.Create(ts))
            Assert.True((await ClipCutter.CutAsync([new ClipPiece(first), new ClipPiece(second)], file, null, CancellationToken.None)).IsOk);
        var summary = Remux(ts, Path.ChangeExtension(ts, ".mp4"));
        Assert.True(summary.IsOk, summary.ToString());
        Assert.Equal((100, 1), (summary.Value.Frames, summary.Value.Discontinuities));
        Assert.Equal(4.0, summary.Value.Seconds, 3);
        var probe = TsProbe.Probe(Path.ChangeExtension(ts, ".mp4"));
        Assert.Equal((100, ""), (probe.Frames, probe.DecodeErrors));
    }

    [Fact]
    public async Task An_H265_clip_is_refused_as_unsupported()
    {
        var ts = await ClipAsync("hevc.ts", VideoCodec.H265, seconds: 2);
        using var sink = new MemoryStream();
        var result = Mp4Remuxer.Remux(() => File.OpenRead(ts), sink);
        Assert.Equal("unsupported", result.Failure!.Code);
        Assert.Equal(0, sink.Length);
    }

    [Fact]
    public async Task Hostile_and_damaged_input_gives_a_clear_failure_or_a_shorter_playable_file_never_an_exception()
    {
        var ts = await ClipAsync("source.ts", VideoCodec.H264, seconds: 2);
        var data = File.ReadAllBytes(ts);
        var random = new Random(7);
        var cases = new List<(string Name, byte[] Bytes)>
        {
            ("empty", []),
            ("random", RandomBytes(random, 64 * 188)),
            ("zeros", new byte[20 * 188]),
            ("tables only", data[..(2 * 188)]),
            ("no PMT", data.Chunk(188).Where(p => (((p[1] & 0x1F) << 8) | p[2]) != TsLayout.PmtPid).SelectMany(p => p).ToArray()),
            ("lost sync", [.. data[..(40 * 188)], 0x00, .. data[(40 * 188)..]]),
        };
        for (var i = 0; i < 12; i++) cases.Add(($"cut {i}", data[..random.Next(1, data.Length)]));
        for (var i = 0; i < 12; i++)
        {
            var flipped = (byte[])data.Clone();
            for (var f = 0; f < 20; f++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            cases.Add(($"bit flips {i}", flipped));
        }
        foreach (var (name, bytes) in cases)
        {
            using var sink = new MemoryStream();
            var result = Mp4Remuxer.Remux(() => new MemoryStream(bytes), sink);
            output.WriteLine($"{name}: {result}");
            if (!result.IsOk)
            {
                Assert.Contains(result.Failure!.Code, new[] { "malformed", "unsupported" });
                Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
                continue;
            }
            Assert.Equal(sink.Length, result.Value.Bytes);
            Assert.InRange(result.Value.Frames, 1, 50);
            Assert.Equal(["ftyp", "moov", "mdat"], TopLevelBoxes(sink.ToArray()));
        }
        Assert.Equal("malformed", Failure(cases, "empty"));
        Assert.Equal("malformed", Failure(cases, "random"));
        Assert.Equal("malformed", Failure(cases, "no PMT"));
    }

    [Fact]
    public async Task A_clip_that_changes_between_the_two_passes_fails_with_io()
    {
        var ts = await ClipAsync("changing.ts", VideoCodec.H264, seconds: 2);
        var data = File.ReadAllBytes(ts);
        var opened = 0;
        using var sink = new MemoryStream();
        var result = Mp4Remuxer.Remux(() => new MemoryStream(opened++ == 0 ? data : data[..(data.Length / 2)]), sink);
        Assert.Equal("io", result.Failure!.Code);
    }

    [Fact]
    public async Task The_access_unit_reader_gives_back_every_unit_written()
    {
        var units = Streams.Units(VideoCodec.H264, 640, 360, 2);
        var path = Streams.Write(Path.Combine(Streams.Folder("mp4"), "read.ts"), VideoCodec.H264, units).Path;
        await using var file = File.OpenRead(path);
        var reader = new TsAccessUnitReader(file);
        var read = new List<TsAccessUnit>();
        while (reader.TryRead(out var unit)) read.Add(unit);
        Assert.Null(reader.Problem);
        Assert.Equal(VideoCodec.H264, reader.Codec);
        // The last keyframe-free unit fits its declared length, so even without wholeFramesOnly all 50 come back.
        Assert.Equal(units.Count, read.Count);
        for (var i = 0; i < units.Count; i++)
        {
            Assert.Equal(TsLayout.StreamPts(units[i].Pts), read[i].Pts);
            Assert.Equal(units[i].Keyframe, read[i].Keyframe);
            Assert.Equal(Slices(units[i].Data.ToArray()), Slices(read[i].AnnexB));
        }
    }

    private static string Failure(List<(string Name, byte[] Bytes)> cases, string name)
    {
        using var sink = new MemoryStream();
        var result = Mp4Remuxer.Remux(() => new MemoryStream(cases.Single(c => c.Name == name).Bytes), sink);
        return result.IsOk ? "ok" : result.Failure!.Code;
    }

    /// <summary>The unit's slice NAL units (not delimiters or parameter sets, which the muxer adds), as hex.</summary>
    private static List<string> Slices(byte[] annexB) =>
        NalUnits.Find(annexB).Where(n => n.Length > 0 && NalUnits.Type(VideoCodec.H264, annexB[n.Offset]) is >= 1 and <= 5)
            .Select(n => Convert.ToHexString(annexB, n.Offset, n.Length)).ToList();

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static List<string> TopLevelBoxes(byte[] file)
    {
        var types = new List<string>();
        long at = 0;
        while (at + 8 <= file.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)at));
            if (size == 1) size = (long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan((int)at + 8));
            types.Add(Encoding.ASCII.GetString(file, (int)at + 4, 4));
            if (size < 8) break;
            at += size;
        }
        return types;
    }

    /// <summary>ffmpeg's MD5 of every decoded picture, in order.</summary>
    private static List<string> FrameHashes(string file) =>
        TsProbe.Run("ffmpeg", ["-v", "error", "-i", file, "-an", "-f", "framemd5", "-"]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim()).ToList();
}
