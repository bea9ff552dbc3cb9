using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.Plugin.Codecs;
using Appliance.Plugins.Media.Protocol.Codecs;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>The kept codec probe: reused by the next start in the same boot, probed again for anything that does not fit.</summary>
public sealed class ProbeCacheTests
{
    private static readonly FFmpegRuntime Runtime = FFmpegRuntime.Load().Value;
    private static readonly IReadOnlyList<CodecCandidate> Candidates = CodecCandidates.All;

    [Fact]
    public void The_first_start_probes_and_keeps_it_the_next_start_in_the_same_boot_reuses_it()
    {
        var folder = Directory.CreateTempSubdirectory("appl-media-probe-").FullName;
        var first = ProbeCache.ProbeOrReuse(folder, Runtime, Candidates);
        Assert.False(first.Reused);
        Assert.True(File.Exists(Path.Combine(folder, ProbeCache.FileName)));
        var second = ProbeCache.ProbeOrReuse(folder, Runtime, Candidates);
        Assert.True(second.Reused);
        Assert.Equal(first.Outcomes, second.Outcomes);
        Assert.Contains(second.Outcomes, o => o.Candidate.FFmpegName == "libx264" && o.Opened);
    }

    [Fact]
    public void A_kept_probe_of_another_boot_or_FFmpeg_is_not_used()
    {
        var outcomes = CodecProber.Probe(Runtime, Candidates);
        var json = ProbeCache.Write(ProbeCache.Key("boot-a", Runtime.Versions, Candidates), outcomes);
        Assert.Equal(outcomes, ProbeCache.Read(json, ProbeCache.Key("boot-a", Runtime.Versions, Candidates), Candidates));
        Assert.Null(ProbeCache.Read(json, ProbeCache.Key("boot-b", Runtime.Versions, Candidates), Candidates));
        var otherFFmpeg = Runtime.Versions with { AvCodec = new Version(59, 99, 0) };
        Assert.Null(ProbeCache.Read(json, ProbeCache.Key("boot-a", otherFFmpeg, Candidates), Candidates));
        Assert.Null(ProbeCache.Read(json, ProbeCache.Key("boot-a", Runtime.Versions, Candidates.Skip(1).ToList()), Candidates.Skip(1).ToList()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"key\":\"k\"}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":{}}")]
    [InlineData("{\"key\":7,\"outcomes\":[]}")]
    [InlineData("{\"key\":\"other\",\"outcomes\":[{\"codec\":\"h264\",\"opened\":true}]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[{\"codec\":\"h264\",\"opened\":true},{\"codec\":\"hevc\",\"opened\":true}]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[{\"codec\":\"hevc\",\"opened\":true}]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[{\"codec\":\"h264\",\"opened\":\"yes\"}]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[{\"codec\":\"h264\"}]}")]
    [InlineData("{\"key\":\"k\",\"outcomes\":[7]}")]
    public void A_kept_probe_that_does_not_read_back_exactly_is_not_used(string json)
    {
        IReadOnlyList<CodecCandidate> one = [Candidates.First(c => c.FFmpegName == "h264")];
        Assert.Null(ProbeCache.Read(json, "k", one));
    }

    [Fact]
    public void A_damaged_kept_probe_file_means_probing_again_and_keeping_a_good_one()
    {
        var folder = Directory.CreateTempSubdirectory("appl-media-probe-").FullName;
        var path = Path.Combine(folder, ProbeCache.FileName);
        File.WriteAllText(path, "{\"key\":\"trunc");
        var probed = ProbeCache.ProbeOrReuse(folder, Runtime, Candidates);
        Assert.False(probed.Reused);
        Assert.True(ProbeCache.ProbeOrReuse(folder, Runtime, Candidates).Reused);
    }
}
