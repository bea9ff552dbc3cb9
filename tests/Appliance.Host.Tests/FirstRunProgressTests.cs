using Appliance.Host.Configuration;
using Appliance.Host.FirstRun;

namespace Appliance.Host.Tests;

/// <summary>
/// The first steps' record (issue 15 item 1): outcomes survive a restart; a damaged, hostile or foreign file reads as
/// "nothing done yet" (the steps are guidance, never a reason to fail); unknown steps and outcomes are bugs.
/// </summary>
public sealed class FirstRunProgressTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("appl-first-run-").FullName;

    private FirstRunProgress Progress() =>
        new(Microsoft.Extensions.Options.Options.Create(new ApplianceOptions { DataDirectory = _data }), TimeProvider.System);

    [Fact]
    public void Outcomes_AreKept_AndTheOpenStepsFollowTheOrder()
    {
        Assert.Equal(["time", "network", "discovery", "camera"], Progress().Open());
        Progress().Record("network", FirstRunProgress.Skipped);
        Progress().Record("time", FirstRunProgress.Done);
        var again = Progress();
        Assert.Equal(["discovery", "camera"], again.Open());
        Assert.Equal(FirstRunProgress.Skipped, again.Outcomes()["network"].State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"time\": \"done\"}")]
    [InlineData("{\"time\": {\"State\": \"hacked\", \"At\": \"2026-12-04T00:00:00Z\"}, \"../etc\": {\"State\": \"done\", \"At\": \"2026-12-04T00:00:00Z\"}}")]
    public void A_damaged_or_foreign_file_reads_as_nothing_done(string content)
    {
        File.WriteAllText(Path.Combine(_data, "first-run.json"), content);
        Assert.Equal(4, Progress().Open().Count);
        Progress().Record("camera", FirstRunProgress.Done);
        Assert.Equal(["time", "network", "discovery"], Progress().Open());
    }

    [Fact]
    public void An_oversized_file_of_repeated_keys_still_reads()
    {
        File.WriteAllText(Path.Combine(_data, "first-run.json"), "{" + string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"k{i}\": {{\"State\": \"done\", \"At\": \"2026-12-04T00:00:00Z\"}}")) + "}");
        Assert.Equal(4, Progress().Open().Count);
    }

    [Fact]
    public void Unknown_steps_and_outcomes_are_bugs()
    {
        Assert.Throws<ArgumentException>(() => Progress().Record("reboot", FirstRunProgress.Done));
        Assert.Throws<ArgumentException>(() => Progress().Record("time", "maybe"));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
