using System.Net;
using System.Text.Json.Nodes;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.Sessions;

/// <summary>Finding "first start": whoever reached the portal first became administrator.</summary>
public sealed class SetupCodeTests
{
    [Fact]
    public async Task SetupFromElsewhere_NeedsTheConsoleCode_WhichChangesAfterEachWrongAttempt_AndIsNeverServed()
    {
        await using var host = await AccessHost.StartAsync();
        using var stranger = host.Client(AccessHost.Elsewhere(70));
        var codeFile = Path.Combine(host.DataDirectory, "setup-code");
        var first = (await File.ReadAllTextAsync(codeFile)).Trim();
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", first);
        Assert.Equal(System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserWrite, File.GetUnixFileMode(codeFile));

        using (var none = await stranger.PostAsync("/auth/setup", AccessHost.Json(new { username = "mallory", password = "correct-Horse-battery-9" })))
            Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        var second = (await File.ReadAllTextAsync(codeFile)).Trim();
        Assert.NotEqual(first, second);
        using (var stale = await stranger.PostAsync("/auth/setup", AccessHost.Json(new { username = "mallory", password = "correct-Horse-battery-9", setupCode = first })))
            Assert.Equal(HttpStatusCode.Forbidden, stale.StatusCode);
        var third = (await File.ReadAllTextAsync(codeFile)).Trim();
        Assert.NotEqual(second, third);

        // The code is on no page or answer a stranger can fetch.
        foreach (var path in new[] { "/auth/state", "/Setup", "/healthz", "/Login" })
        {
            using var response = await stranger.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(third, text);
            Assert.DoesNotContain(third.Replace("-", ""), text);
        }

        using (var right = await stranger.PostAsync("/auth/setup", AccessHost.Json(new { username = "owner", password = "correct-Horse-battery-9", setupCode = third.ToLowerInvariant() })))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.False(File.Exists(codeFile));
        using (var again = await stranger.PostAsync("/auth/setup", AccessHost.Json(new { username = "mallory", password = "correct-Horse-battery-9", setupCode = third })))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task SetupFromTheBoxItself_NeedsNoCode_UnlessTurnedOff()
    {
        await using (var host = await AccessHost.StartAsync())
        {
            using var box = host.Client();
            using var ok = await box.PostAsync("/auth/setup", AccessHost.Json(new { username = "admin", password = "correct-Horse-battery-9" }));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        await using (var strict = await AccessHost.StartAsync(new JsonObject { ["auth"] = new JsonObject { ["loopbackSetup"] = false } }))
        {
            using var box = strict.Client();
            using var refused = await box.PostAsync("/auth/setup", AccessHost.Json(new { username = "admin", password = "correct-Horse-battery-9" }));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }
}
