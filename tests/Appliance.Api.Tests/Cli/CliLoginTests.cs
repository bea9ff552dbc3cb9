using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.Testing;

namespace Appliance.Api.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliLoginTests(CliHostFixture fixture)
{
    [Fact]
    public async Task Login_RefusesAnUntrustedCertificate_ShowingItsFingerprint_AndPinsItWhenGiven()
    {
        var cli = new Appliancectl(Path.Combine(fixture.Work, "login-test", "config.json"));

        var untrusted = await cli.RunAsync(["login", "--url", fixture.Url, "--user", HostProcess.AdminUser, "--password", HostProcess.AdminPassword], stdin: "");
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("the appliance's certificate is not trusted", untrusted.Stderr);
        Assert.Contains(CliHostFixture.Display(fixture.Fingerprint), untrusted.Stderr);
        Assert.False(File.Exists(cli.ConfigPath));

        var wrongPin = await cli.RunAsync("login", "--url", fixture.Url, "--user", HostProcess.AdminUser, "--password", HostProcess.AdminPassword, "--fingerprint", new string('A', 64));
        Assert.Equal(1, wrongPin.ExitCode);
        Assert.Contains("is not the one pinned at login", wrongPin.Stderr);

        var wrongPassword = await cli.RunAsync("login", "--url", fixture.Url, "--user", HostProcess.AdminUser, "--password", "not-the-password-1", "--fingerprint", fixture.Fingerprint);
        Assert.Equal(1, wrongPassword.ExitCode);
        Assert.Equal("appliancectl: login refused: wrong user name or password", wrongPassword.Stderr.Trim());

        // Password from standard input, fingerprint in the colon form the portal shows.
        var ok = await cli.RunAsync(["login", "--url", fixture.Url, "--user", HostProcess.AdminUser, "--fingerprint", CliHostFixture.Display(fixture.Fingerprint).ToLowerInvariant()], stdin: HostProcess.AdminPassword + "\n");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains($"Logged in to {fixture.Url} as admin", ok.Stdout);
        Assert.Contains("pinned", ok.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        var stored = JsonDocument.Parse(File.ReadAllText(cli.ConfigPath)).RootElement;
        Assert.Equal(fixture.Url, stored.GetProperty("url").GetString());
        Assert.StartsWith("apl_", stored.GetProperty("token").GetString());
        Assert.Equal(fixture.Fingerprint, stored.GetProperty("certificateSha256").GetString());

        var status = await cli.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());

        // The appliance presenting another certificate than the pinned one is refused.
        File.WriteAllText(cli.ConfigPath, File.ReadAllText(cli.ConfigPath).Replace(fixture.Fingerprint, new string('B', 64)));
        var mismatch = await cli.RunAsync("status");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("is not the one pinned at login", mismatch.Stderr);

        var insecure = await cli.RunAsync("status", "--insecure");
        Assert.True(insecure.ExitCode == 0, insecure.ToString());
    }

    /// <summary>The password stays off the command line: --password-stdin reads the first line of standard input.</summary>
    [Fact]
    public async Task Login_PasswordStdin_ReadsTheFirstLine_AndRefusesAnEmptyInputOrTwoSources()
    {
        var cli = new Appliancectl(Path.Combine(fixture.Work, "stdin-login", "config.json"));
        string[] login = ["login", "--url", fixture.Url, "--user", HostProcess.AdminUser, "--fingerprint", fixture.Fingerprint, "--password-stdin"];

        var ok = await cli.ExpectAsync(0, login, stdin: HostProcess.AdminPassword + "\nnot read\n");
        Assert.Contains($"Logged in to {fixture.Url} as admin", ok.Stdout);
        await cli.ExpectAsync(0, ["status"]);

        var wrong = await cli.ExpectAsync(1, login, stdin: "not-the-password-1\n");
        Assert.Equal("appliancectl: login refused: wrong user name or password", wrong.Stderr.Trim());
        var empty = await cli.ExpectAsync(2, login, stdin: "");
        Assert.Contains("--password-stdin: standard input holds no password", empty.Stderr);
        var both = await cli.ExpectAsync(2, [.. login, "--password", HostProcess.AdminPassword], stdin: HostProcess.AdminPassword + "\n");
        Assert.Contains("give --password or --password-stdin, not both", both.Stderr);

        var help = await cli.ExpectAsync(0, ["login", "--help"]);
        Assert.Contains("discouraged", help.Stdout);
    }

    [Fact]
    public async Task Status_ShowsVersionResourcesAndHealth_AsTextAndJson()
    {
        var text = await fixture.Cli.RunAsync("status");
        Assert.True(text.ExitCode == 0, text.ToString());
        // /healthz tells only the status word now (anonymous surface); the version is on the authenticated status.
        var version = JsonDocument.Parse(await fixture.Host.Client.GetStringAsync("/api/v1/status")).RootElement.GetProperty("system").GetProperty("version").GetString()!;
        Assert.Matches($@"(?m)^appliance\s+{System.Text.RegularExpressions.Regex.Escape(version)} on ", text.Stdout);
        Assert.Matches(@"(?m)^health\s+(healthy|degraded|unhealthy)$", text.Stdout);
        Assert.Matches(@"(?m)^cpu\s+\d+\.\d %$", text.Stdout);
        Assert.Matches(@"(?m)^memory\s+[\d.]+ \w+ used of [\d.]+ \w+", text.Stdout);
        Assert.Matches(@"(?m)^disk\s+[\d.]+ \w+ free of [\d.]+ \w+$", text.Stdout);
        Assert.Matches(@"(?m)^temperature\s+(not exposed by this board|-?\d+\.\d °C)$", text.Stdout);

        var json = await fixture.Cli.RunAsync("status", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var doc = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(version, doc.GetProperty("status").GetProperty("system").GetProperty("version").GetString());
        Assert.True(doc.GetProperty("health").TryGetProperty("components", out _));
    }

    [Fact]
    public async Task UsageErrors_Exit2_AndAnUnreachableOrUnknownApplianceExits1()
    {
        foreach (var args in new[] { new[] { "plugins" }, ["no-such-command"], ["events", "tail", "-n", "0"], ["cameras", "add", "--name", "x"], ["--url", "ftp://x", "status"], ["login", "--url", fixture.Url] })
        {
            var result = await fixture.Cli.RunAsync(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: {result}");
            Assert.StartsWith("appliancectl: ", result.Stderr);
        }

        var port = FreePort.Tcp();
        var unreachable = await fixture.Cli.RunAsync("--url", $"https://127.0.0.1:{port}", "--token", "apl_x", "status");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains($"cannot reach the appliance at https://127.0.0.1:{port}/", unreachable.Stderr);

        var noToken = await fixture.Cli.RunAsync("--url", $"https://127.0.0.1:{port}", "status");
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("no token for", noToken.Stderr);

        var badToken = await fixture.Cli.RunAsync("--token", "apl_revoked-or-made-up", "status");
        Assert.Equal(1, badToken.ExitCode);
        Assert.Contains("refused the credentials (401)", badToken.Stderr);

        var notLoggedIn = await new Appliancectl(Path.Combine(fixture.Work, "nobody", "config.json")).RunAsync("status");
        Assert.Equal(1, notLoggedIn.ExitCode);
        Assert.Contains("not logged in", notLoggedIn.Stderr);
    }
}
