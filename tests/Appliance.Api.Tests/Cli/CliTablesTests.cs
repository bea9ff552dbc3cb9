using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Api.Tests.Support;

namespace Appliance.Api.Tests.Cli;

/// <summary>Issue 15 item 9: tables aligned, times in the local zone with the zone shown, no line over 120 columns.</summary>
[Collection(CliCollection.Name)]
public sealed class CliTablesTests(CliHostFixture fixture)
{
    /// <summary>A zone with a half-hour offset and no daylight saving: its times cannot be mistaken for UTC.</summary>
    private static readonly Dictionary<string, string> Kolkata = new() { ["TZ"] = "Asia/Kolkata" };

    [Fact]
    public async Task EventsTail_IsAnAlignedTable_InTheLocalZone_WrappingLongDataWithin120Columns()
    {
        var longData = string.Join(' ', Enumerable.Repeat("remediation-like words", 20));
        await PublishAsync("CliTableRaised", new { n = 1 });
        await PublishAsync("CliTableRaised", new { text = longData });

        var json = await fixture.Cli.ExpectAsync(0, ["events", "tail", "--type", "CliTableRaised", "-n", "2", "--json"]);
        var occurred = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => DateTimeOffset.Parse(JsonDocument.Parse(l).RootElement.GetProperty("occurredAt").GetString()!, CultureInfo.InvariantCulture)).ToList();
        var table = await fixture.Cli.ExpectAsync(0, ["events", "tail", "--type", "CliTableRaised", "-n", "2"], environment: Kolkata);
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} columns: {l}"));
        Assert.Matches(@"^SEQ\s+TIME\s+CATEGORY\s+TYPE\s+SOURCE\s+DATA$", lines[0]);
        var timeColumn = lines[0].IndexOf("TIME", StringComparison.Ordinal);
        var typeColumn = lines[0].IndexOf("TYPE", StringComparison.Ordinal);
        var dataColumn = lines[0].IndexOf("DATA", StringComparison.Ordinal);
        var rows = lines.Skip(1).Where(l => !l.StartsWith(' ')).ToList();
        Assert.Equal(2, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var local = occurred[i].ToOffset(TimeSpan.FromHours(5.5)).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
            Assert.EndsWith("+05:30", local);
            Assert.Equal(local, rows[i].Substring(timeColumn, local.Length));
            Assert.Equal("CliTableRaised", rows[i].Substring(typeColumn, "CliTableRaised".Length));
        }
        Assert.Equal("{\"n\":1}", rows[0][dataColumn..]);

        // The long data wraps onto continuation lines under DATA; nothing of it is lost.
        var continuation = lines.SkipWhile(l => l != rows[1]).Skip(1).ToList();
        Assert.NotEmpty(continuation);
        Assert.All(continuation, l => Assert.True(l[..dataColumn].Trim().Length == 0, l));
        var rebuilt = string.Join(' ', new[] { rows[1][dataColumn..] }.Concat(continuation.Select(l => l[dataColumn..])));
        Assert.Equal(JsonSerializer.Serialize(new { text = longData }), rebuilt);
    }

    [Fact]
    public async Task TokensList_ShowsLocalTimes_AndEveryTableFitsIn120Columns()
    {
        var tokens = await fixture.Cli.ExpectAsync(0, ["tokens", "list"], environment: Kolkata);
        Assert.True(Regex.IsMatch(tokens.Stdout, @"(?m)^\S+\s+.*  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30  "), tokens.Stdout);
        Assert.DoesNotMatch(@"\d{4}-\d\d-\d\dT\d\d:", tokens.Stdout);

        foreach (var args in new[] { new[] { "tokens", "list" }, ["status"], ["plugins", "list"], ["cameras", "list"], ["cameras", "urls"] })
        {
            var run = await fixture.Cli.ExpectAsync(0, args, environment: Kolkata);
            Assert.All(run.Stdout.Split('\n'), l => Assert.True(l.Length <= 120, $"{string.Join(' ', args)}: {l.Length} columns: {l}"));
        }
    }

    private async Task PublishAsync(string type, object data)
    {
        using var response = await fixture.Host.Client.PostAsJsonAsync("/api/v1/events", new { type, category = "alarm", data });
        response.EnsureSuccessStatusCode();
    }
}
