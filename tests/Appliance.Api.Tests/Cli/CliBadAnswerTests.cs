using Appliance.Api.Tests.Support;

namespace Appliance.Api.Tests.Cli;

/// <summary>What the CLI does with broken or hostile answers and a damaged config file: a clear message, exit 1, no crash.</summary>
public sealed class CliBadAnswerTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("appl-cli-bad-").FullName;

    [Fact]
    public async Task AnswersThatAreNotJson_OrProblems_AreReportedClearly()
    {
        await using var api = new FakeApi();
        api.Answer("/api/v1/plugins", 200, "text/html", "<html><body>captive portal</body></html>");
        api.Answer("/api/v1/cameras", 500, "application/problem+json", "{\"title\":\"Error\",\"detail\":\"database is locked\"}");
        api.Answer("/api/v1/status", 503, "text/plain", new string('x', 10_000));
        var cli = Cli();

        var notJson = await cli.RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "plugins", "list");
        Assert.Equal(1, notJson.ExitCode);
        Assert.Contains("answered 200 with something that is not JSON: <html>", notJson.Stderr);

        var problem = await cli.RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "cameras", "list");
        Assert.Equal(1, problem.ExitCode);
        Assert.Equal("appliancectl: GET /api/v1/cameras: 500 database is locked", problem.Stderr.Trim());

        var huge = await cli.RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "status");
        Assert.Equal(1, huge.ExitCode);
        Assert.Contains("GET /api/v1/status: 503 xxx", huge.Stderr);
        Assert.True(huge.Stderr.Length < 2_200, "a huge error body is clipped");
    }

    [Fact]
    public async Task TerminalEscapesInAnswers_AreNotPrinted()
    {
        await using var api = new FakeApi();
        api.Answer("/api/v1/plugins", 200, "application/json",
            "[{\"id\":\"evil.plugin\",\"name\":\"\\u001b]0;owned\\u0007\\u001b[2JEvil\",\"version\":\"1.0.0\",\"kind\":\"protocol\",\"state\":\"Running\",\"error\":null}]");
        api.Answer("/api/v1/cameras", 400, "application/problem+json", "{\"detail\":\"bad \\u001b[31mred\\u001b[0m input\"}");
        var cli = Cli();

        var list = await cli.RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "plugins", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("evil.plugin", list.Stdout);
        Assert.Contains("Evil", list.Stdout);
        Assert.DoesNotContain('\u001b', list.Stdout);
        Assert.DoesNotContain('\u0007', list.Stdout);

        var problem = await cli.RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "cameras", "list");
        Assert.Equal(1, problem.ExitCode);
        Assert.Contains("red", problem.Stderr);
        Assert.DoesNotContain('\u001b', problem.Stderr);
    }

    [Fact]
    public async Task ABrokenEventStream_SkipsWhatItCannotRead_PrintsTheRest_AndEndsWithAMessage()
    {
        await using var api = new FakeApi();
        api.Answer("/api/v1/events?", 200, "application/json", "[]");
        var good = "{\"sequence\":7,\"type\":\"GoodRaised\",\"category\":\"Alarm\",\"source\":\"x\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"data\":{\"n\":7}}";
        api.Answer("/api/v1/events/stream", 200, "text/event-stream",
            "id: 5\nevent: Bad\ndata: {not json\n\n" +
            "id: 6\nevent: Big\ndata: " + new string('y', 1_100_000) + "\n\n" +
            ": a comment line\nretry: abc\n\n" +
            "id: 7\nevent: GoodRaised\ndata: " + good + "\n\n" +
            "id: 8\nevent: Truncated\ndata: {\"sequence\":8,");

        var result = await Cli().RunAsync("--url", api.BaseUri.ToString(), "--token", "apl_x", "events", "tail", "--follow");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("GoodRaised", result.Stdout);
        Assert.Contains("{\"n\":7}", result.Stdout);
        Assert.Contains("event 5: not JSON", result.Stderr);
        Assert.Contains("event 6: larger than 1024 KiB, skipped", result.Stderr);
        Assert.Contains("closed the event stream", result.Stderr);
    }

    [Theory]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("{\"url\":\"https://127.0.0.1:1\"}", "url or token missing")]
    [InlineData("[1,2,3]", "not valid JSON")]
    public async Task ADamagedConfigFile_IsReportedWithItsPath(string content, string message)
    {
        var cli = Cli();
        Directory.CreateDirectory(Path.GetDirectoryName(cli.ConfigPath)!);
        await File.WriteAllTextAsync(cli.ConfigPath, content);
        var result = await cli.RunAsync("status");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(cli.ConfigPath, result.Stderr);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public async Task AnOversizedConfigFile_IsRefused()
    {
        var cli = Cli();
        Directory.CreateDirectory(Path.GetDirectoryName(cli.ConfigPath)!);
        await File.WriteAllTextAsync(cli.ConfigPath, "{\"url\":\"" + new string('a', 100_000) + "\"}");
        var result = await cli.RunAsync("status");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("larger than 64 KiB", result.Stderr);
    }

    private Appliancectl Cli() => new(Path.Combine(_work, Guid.NewGuid().ToString("N"), "config.json"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
