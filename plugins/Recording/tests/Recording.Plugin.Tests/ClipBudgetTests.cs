using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>Clips within <c>clipBudgetMegabytes</c> in the real host recording the GStreamer camera: a second clip
/// that does not fit beside the first deletes the first (route and files), and a clip larger than the whole budget
/// fails with <c>over-budget</c>, leaves no file and deletes nothing.</summary>
public sealed class ClipBudgetTests(ITestOutputHelper output)
{
    private const long Budget = 1024 * 1024;

    [Fact]
    public async Task The_oldest_clip_makes_room_and_a_clip_larger_than_the_budget_fails_with_the_reason()
    {
        // Snow is incompressible, so the camera sends its whole bitrate (~70 kB/s with the container): the 2.6 MB the three clips need
        // are recorded in under a minute (the default bouncing ball took over two).
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2, ["clipBudgetMegabytes"] = 1 },
            cameraArgs: "--width 640 --height 360 --keyint 25 --bitrate 500 --pattern snow");
        try
        {
            // Consecutive closed segments: two runs of over half the budget each, then one of more than the budget.
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => Runs(s) is not null, "segments for three clips", TimeSpan.FromSeconds(150));
            Assert.All(segments, s => Assert.True(s.Bytes < Budget * 3 / 10, $"a segment of {s.Bytes} bytes is too big for this test's arithmetic"));
            var (first, second, large) = Runs(segments)!.Value;

            var a = await CutAsync(rig, first);
            var b = await CutAsync(rig, second);
            Assert.True(a.Bytes + b.Bytes > Budget && b.Bytes <= Budget, $"clips of {a.Bytes} and {b.Bytes} bytes");
            using (var gone = await rig.GetAsync($"clips/{a.Id}"))
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.False(File.Exists(Path.Combine(rig.DataDirectory, "clips", $"{a.Id}.ts")));

            var id = await rig.CreateClipAsync(new { cameraId = rig.CameraId, from = large.From.ToString("O"), to = large.To.ToString("O") });
            var failed = await rig.FinishedClipAsync(id);
            output.WriteLine($"large clip: {failed}");
            Assert.Equal("failed", failed.GetProperty("state").GetString());
            Assert.StartsWith("over-budget: the clip is ", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
            using (var file = await rig.GetAsync($"clips/{id}/file"))
                Assert.NotEqual(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal([$"{b.Id}.json", $"{b.Id}.ts"], Directory.GetFiles(Path.Combine(rig.DataDirectory, "clips")).Select(Path.GetFileName).Order());
            Assert.Equal("done", (await rig.ClipAsync(b.Id)).GetProperty("state").GetString());
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    private static async Task<(string Id, long Bytes)> CutAsync(RecordingHost rig, (DateTimeOffset From, DateTimeOffset To) range)
    {
        var id = await rig.CreateClipAsync(new { cameraId = rig.CameraId, from = range.From.ToString("O"), to = range.To.ToString("O") });
        var done = await rig.FinishedClipAsync(id);
        Assert.Equal("done", done.GetProperty("state").GetString());
        return (id, done.GetProperty("bytes").GetInt64());
    }

    /// <summary>Three ranges of whole consecutive segments after the first (which may have begun mid-stream): two of
    /// at least 0.6 of the budget, then one of at least 1.3 budgets; null while not enough is recorded.</summary>
    private static ((DateTimeOffset From, DateTimeOffset To), (DateTimeOffset From, DateTimeOffset To), (DateTimeOffset From, DateTimeOffset To))? Runs(
        List<(string File, DateTimeOffset Start, DateTimeOffset End, long Bytes)> segments)
    {
        var ranges = new List<(DateTimeOffset, DateTimeOffset)>();
        var i = 1;
        foreach (var wanted in new[] { Budget * 6 / 10, Budget * 6 / 10, Budget * 13 / 10 })
        {
            var start = i;
            long sum = 0;
            while (i < segments.Count && sum < wanted) sum += segments[i++].Bytes;
            if (sum < wanted) return null;
            ranges.Add((segments[start].Start, segments[i - 1].End));
        }
        return (ranges[0], ranges[1], ranges[2]);
    }
}
