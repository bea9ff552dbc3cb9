using System.Net;
using System.Text.Json.Nodes;
using Appliance.Access.Tests.Support;
using Appliance.Host.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Access.Tests.DirectoryLogins;

/// <summary>
/// Directory logins (issue 10 item 4) against Debian's slapd started by the test, with a CA the test made:
/// StartTLS on the plain port, LDAPS, group to role mapping, refusals.
/// </summary>
public sealed class LdapLoginTests(DirectoryFixture directory) : IClassFixture<DirectoryFixture>
{
    private static readonly IPAddress Laptop = AccessHost.Elsewhere(41);

    [Fact]
    public async Task TheReferenceClient_BindsWithStartTlsAndLdaps_OnlyTrustingTheTestCa()
    {
        var trusting = new Dictionary<string, string> { ["LDAPTLS_CACERT"] = directory.CaFile };
        var (code, output) = await SlapdDirectory.ClientAsync(trusting, "ldapwhoami", "-ZZ", "-x", "-H", directory.Slapd.LdapUrl, "-D", TestTree.Dn("alice"), "-w", TestTree.Passwords["alice"]);
        Assert.True(code == 0, output);
        Assert.Contains("dn:" + TestTree.Dn("alice"), output);
        (code, output) = await SlapdDirectory.ClientAsync(trusting, "ldapsearch", "-x", "-H", directory.Slapd.LdapsUrl, "-D", TestTree.Dn("otto"), "-w", TestTree.Passwords["otto"],
            "-b", TestTree.Groups, $"(member={TestTree.Dn("otto")})", "cn");
        Assert.True(code == 0, output);
        Assert.Contains("dn: " + TestTree.GroupDn("operators"), output);
        Assert.Contains("dn: " + TestTree.GroupDn("viewers"), output);
        Assert.DoesNotContain(TestTree.GroupDn("admins"), output);

        // Without the test CA (only the system's trust store) the same client refuses the directory.
        (code, output) = await SlapdDirectory.ClientAsync(new Dictionary<string, string>(), "ldapwhoami", "-ZZ", "-x", "-H", directory.Slapd.LdapUrl, "-D", TestTree.Dn("alice"), "-w", TestTree.Passwords["alice"]);
        Assert.NotEqual(0, code);
    }

    [Fact]
    public async Task StartTls_LogsIn_WithTheMappedRole_AndTheHighestMappedGroupWins()
    {
        await using var host = await StartHostAsync(directory.Slapd.LdapUrl, directory.CaFile);
        var before = directory.Slapd.Log.Length;

        Assert.Equal("admin", await LoginRoleAsync(host, "alice")); // admins, viewers and the unmapped staff
        Assert.Equal("operator", await LoginRoleAsync(host, "otto")); // operators and viewers
        Assert.Equal("viewer", await LoginRoleAsync(host, "vera"));

        // Every bind the directory saw came on a connection whose first operation was StartTLS.
        var log = await directory.Slapd.LogSinceAsync(before);
        var binds = Binds(log);
        Assert.Equal(3, binds.Count);
        foreach (var bind in binds)
            Assert.Contains($"{Connection(bind)} op=0 EXT oid=1.3.6.1.4.1.1466.20037", log);

        // The directory user's session works with the role it was given.
        using var client = host.Client(Laptop);
        var token = await host.TokenAsync("otto", TestTree.Passwords["otto"], Laptop);
        using var operatorClient = host.TokenClient(token, Laptop);
        using (var cameras = await operatorClient.GetAsync("/api/v1/cameras"))
            Assert.Equal(HttpStatusCode.OK, cameras.StatusCode);
        using (var users = await operatorClient.GetAsync("/api/v1/users"))
            Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task Ldaps_LogsIn_WithTheMappedRole()
    {
        await using var host = await StartHostAsync(directory.Slapd.LdapsUrl, directory.CaFile);
        Assert.Equal("viewer", await LoginRoleAsync(host, "vera"));
        Assert.Equal("admin", await LoginRoleAsync(host, "alice"));
    }

    [Fact]
    public async Task AUserInNoMappedGroup_IsRefused_ThoughTheDirectoryAcceptsThePassword()
    {
        await using var host = await StartHostAsync(directory.Slapd.LdapUrl, directory.CaFile);
        var before = directory.Slapd.Log.Length;
        foreach (var user in new[] { "nina", "zed" })
        {
            using var client = host.Client(Laptop);
            using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = user, password = TestTree.Passwords[user] }));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        // The passwords were right: the directory answered both binds with success (err=0), the host still refused.
        var log = await directory.Slapd.LogSinceAsync(before);
        Assert.Equal(2, Binds(log).Count);
        Assert.Equal(2, Lines(log, " RESULT tag=97 err=0").Count);
    }

    [Fact]
    public async Task AWrongDirectoryPassword_IsRefused_AndCountsInTheThrottleLikeAnyOther()
    {
        await using var host = await StartHostAsync(directory.Slapd.LdapUrl, directory.CaFile);
        var source = AccessHost.Elsewhere(42);
        using var client = host.Client(source);
        var before = directory.Slapd.Log.Length;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await client.PostAsync("/auth/login", AccessHost.Json(new { username = "alice", password = $"not-alices-password-{attempt}" }));
            // The fifth failure is the last free one: its answer already says to wait.
            Assert.Equal(attempt < 5 ? HttpStatusCode.Unauthorized : (HttpStatusCode)429, wrong.StatusCode);
        }
        var log = await directory.Slapd.LogSinceAsync(before);
        Assert.Equal(5, Binds(log).Count); // each wrong password was the directory's to refuse
        Assert.Equal(5, Lines(log, " RESULT tag=97 err=49").Count);
        before = directory.Slapd.Log.Length;
        using var right = await client.PostAsync("/auth/login", AccessHost.Json(new { username = "alice", password = TestTree.Passwords["alice"] }));
        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Empty(Binds(await directory.Slapd.LogSinceAsync(before))); // refused before the directory is asked
    }

    [Fact]
    public async Task HostileUserNames_AreEscaped_AndRefused()
    {
        await using var host = await StartHostAsync(directory.Slapd.LdapUrl, directory.CaFile);
        string[] hostile = ["*", ")(uid=*", "admin,ou=x", "alice)(|(uid=*", "alice,ou=people,dc=example,dc=org"];
        var before = directory.Slapd.Log.Length;
        foreach (var name in hostile)
        {
            using var client = host.Client(Laptop);
            using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = name, password = TestTree.Passwords["alice"] }));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The login endpoint refuses such names before anyone is asked; the directory login itself escapes them
        // too, so the directory sees a DN naming nobody and refuses the bind.
        var login = host.App.Services.GetRequiredService<IDirectoryLogin>();
        foreach (var name in hostile)
            Assert.Null(await login.VerifyAsync(name, TestTree.Passwords["alice"], CancellationToken.None));
        var log = await directory.Slapd.LogSinceAsync(before);
        var binds = Binds(log);
        Assert.Equal(hostile.Length, binds.Count);
        Assert.DoesNotContain(binds, b => b.Contains("dn=\"uid=admin,ou=x,", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(binds, b => b.Contains("dn=\"uid=alice,ou=people,dc=example,dc=org,", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(Lines(log, " RESULT tag=97 err=0"));
        Assert.Empty(Lines(log, " SRCH "));
    }

    private async Task<AccessHost> StartHostAsync(string url, string caFile)
    {
        var host = await AccessHost.StartAsync(new JsonObject { ["auth"] = TestTree.AuthSection(url, caFile) });
        await host.SetUpAdminAsync();
        return host;
    }

    internal static async Task<string?> LoginRoleAsync(AccessHost host, string user)
    {
        using var client = host.Client(Laptop);
        using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = user, password = TestTree.Passwords[user] }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)?["role"]?.GetValue<string>();
    }

    internal static List<string> Lines(string log, string marker) =>
        log.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal)).ToList();

    /// <summary>The bind requests in a slapd stats log (slapd logs each bind twice; the first line has the method).</summary>
    internal static List<string> Binds(string log) =>
        Lines(log, " BIND dn=").Where(l => l.Contains(" method=", StringComparison.Ordinal)).ToList();

    /// <summary>slapd's "conn=1004" of a stats line.</summary>
    internal static string Connection(string line) =>
        line.Split(' ').First(p => p.StartsWith("conn=", StringComparison.Ordinal));
}
