using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>Runs alone: other test classes allocating in parallel would show up in this process's resident memory.</summary>
[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public sealed class LeakTestsRunAlone;

/// <summary>
/// 20,000 open/decode/close cycles of every object kind after a warm-up, resident memory measured from /proc after
/// each 5,000: a leak grows with every round, allocator and GC noise levels off after the first.
/// </summary>
[Collection(nameof(LeakTests))]
public sealed class LeakTests(RuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<RuntimeFixture>
{
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS");
    }

    [Fact]
    public void Ten_thousand_open_close_cycles_do_not_grow_resident_memory()
    {
        var runtime = fixture.Runtime;
        var keyframe = Clips.AccessUnits(Clips.Elementary(Clips.TempFolder("leak"), VideoFormat.H264, 160, 90, 1), VideoFormat.H264)[0];
        void Cycle()
        {
            using var decoder = VideoDecoder.Open(runtime, "h264", new DecoderOptions()).Value;
            var frames = 0;
            decoder.Decode(keyframe.Span, 0, _ => frames++);
            decoder.Flush(f =>
            {
                frames++;
                using var scaler = FrameScaler.Open(runtime, f.Width, f.Height, f.PixelFormat, 80, 45, AvConstants.AV_PIX_FMT_GRAY8).Value;
                scaler.Scale(f);
            });
            if (frames != 1) throw new InvalidOperationException($"expected one frame, got {frames}");
            using var encoder = VideoEncoder.Open(runtime, "mjpeg", new EncoderSettings(160, 90, AvConstants.AV_PIX_FMT_YUVJ420P, 25)).Value;
        }

        long Round()
        {
            for (var i = 0; i < 5_000; i++) Cycle();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return ResidentBytes();
        }

        for (var i = 0; i < 1000; i++) Cycle(); // warm-up: allocator arenas, JIT, FFmpeg's static tables
        var settled = Round(); // the first round still grows the GC heap and malloc arenas to their working size
        var rounds = new[] { Round(), Round(), Round() };
        var growth = rounds[^1] - settled;
        output.WriteLine($"RSS after the settling round {settled / 1024} KiB, after 15,000 more cycles {string.Join(", ", rounds.Select(r => r / 1024))} KiB, growth {growth / 1024} KiB ({growth / 15_000.0:F0} B/cycle)");
        // One leaked decoder context alone is > 100 KiB: 15,000 of them would be > 1.5 GiB; even a leaked 1 KiB packet
        // per cycle would be 15 MiB. 8 MiB allows allocator noise.
        Assert.True(growth < 8L * 1024 * 1024, $"resident memory grew {growth / 1024} KiB over 15,000 cycles");
    }
}
