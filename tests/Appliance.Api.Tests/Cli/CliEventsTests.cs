using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Api.Tests.Support;

namespace Appliance.Api.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliEventsTests(CliHostFixture fixture)
{
    [Fact]
    public async Task EventsTail_PrintsRecentEventsOldestFirst_FilteredByType_AsTextOrJsonLines()
    {
        await PublishAsync("CliTailRaised", 1);
        await PublishAsync("CliOtherRaised", 2);
        await PublishAsync("CliTailRaised", 3);

        var text = await fixture.Cli.RunAsync("events", "tail", "-n", "3");
        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.StartsWith("SEQ ", text.Stdout);
        Assert.Equal(3, lines.Length);
        Assert.Contains("CliTailRaised", lines[0]);
        Assert.Contains("{\"n\":1}", lines[0]);
        Assert.Contains("Alarm", lines[0]);
        Assert.Contains("api:admin", lines[0]);
        Assert.Contains("{\"n\":3}", lines[2]);

        var filtered = await fixture.Cli.RunAsync("events", "tail", "--type", "CliTailRaised", "--json");
        Assert.True(filtered.ExitCode == 0, filtered.ToString());
        var events = filtered.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(events.Count >= 2);
        Assert.All(events, e => Assert.Equal("CliTailRaised", e.GetProperty("type").GetString()));
        Assert.Equal(3, events[^1].GetProperty("data").GetProperty("n").GetInt32());
        Assert.True(events[0].GetProperty("sequence").GetInt64() < events[^1].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task EventsTailFollow_PrintsEachNewEventAsItIsStored()
    {
        await PublishAsync("CliFollowRaised", 10);
        using var tail = fixture.Cli.StartLong("events", "tail", "--follow", "--type", "CliFollowRaised");
        await tail.WaitForOutputAsync("{\"n\":10}");
        await PublishAsync("CliFollowIgnored", 11);
        await PublishAsync("CliFollowRaised", 12);
        await tail.WaitForOutputAsync("{\"n\":12}");
        Assert.DoesNotContain("{\"n\":11}", tail.Stdout);
        Assert.Single(tail.Stdout.Split('\n'), l => l.Contains("{\"n\":10}"));
        Assert.False(tail.HasExited);
    }

    private async Task PublishAsync(string type, int n)
    {
        using var response = await fixture.Host.Client.PostAsJsonAsync("/api/v1/events", new { type, category = "alarm", data = new { n } });
        response.EnsureSuccessStatusCode();
    }
}
