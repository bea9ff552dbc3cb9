using System.Diagnostics;
using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Api.Tests.OpenApi;

/// <summary>
/// The API description the host serves passes an established OpenAPI linter (Redocly CLI, pinned in
/// <c>OpenApi/lint/package.json</c>, its recommended rules) with no errors: a new endpoint without a summary, a
/// security requirement or its 4xx answers fails here.
/// </summary>
public sealed class OpenApiLintTests(ITestOutputHelper output) : IAsyncLifetime
{
    private InProcessHost _host = null!;

    public async Task InitializeAsync() => _host = await InProcessHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_served_description_passes_the_linter_with_no_errors()
    {
        using var client = _host.Client();
        var json = await client.GetStringAsync("/openapi/v1.json");
        var file = Path.Combine(_host.DataDirectory, "openapi.json");
        await File.WriteAllTextAsync(file, json);

        var (exit, stdout, stderr) = await LintAsync(file);
        output.WriteLine(stderr);
        using var report = JsonDocument.Parse(stdout);
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (Severity: p.GetProperty("severity").GetString(), Rule: p.GetProperty("ruleId").GetString(),
                Message: p.GetProperty("message").GetString(),
                Where: p.GetProperty("location").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } l
                    && l.TryGetProperty("pointer", out var ptr) ? ptr.GetString() : ""))
            .ToList();
        foreach (var p in problems) output.WriteLine($"{p.Severity} {p.Rule} {p.Where}: {p.Message}");
        var errors = problems.Where(p => p.Severity == "error").ToList();
        Console.WriteLine($"figure: OpenAPI lint (redocly recommended): {errors.Count} errors, {problems.Count - errors.Count} warnings");
        Assert.Empty(errors.Select(e => $"{e.Rule} {e.Where}: {e.Message}"));
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task The_linter_reports_a_description_that_breaks_its_rules()
    {
        // The rig itself: a description with an operation lacking responses and an undefined security scheme is refused.
        var file = Path.Combine(_host.DataDirectory, "broken.json");
        await File.WriteAllTextAsync(file, """
            {"openapi":"3.1.0","info":{"title":"broken","version":"1"},
             "paths":{"/x":{"get":{"security":[{"nope":[]}]}}}}
            """);
        var (exit, stdout, _) = await LintAsync(file);
        using var report = JsonDocument.Parse(stdout);
        Assert.Contains(report.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("severity").GetString() == "error");
        Assert.NotEqual(0, exit);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> LintAsync(string file)
    {
        var dir = Path.Combine(RepoPaths.Root, "tests", "Appliance.Api.Tests", "OpenApi", "lint");
        var start = new ProcessStartInfo(Path.Combine(dir, "node_modules", ".bin", "redocly"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "lint", file, "--config", Path.Combine(dir, "redocly.yaml"), "--format", "json" }) start.ArgumentList.Add(a);
        // No telemetry or update check from the linter: tests reach loopback only.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["CI"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
