using System.Net;
using System.Text.Json.Nodes;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.DirectoryLogins;

/// <summary>
/// A directory login never binds in clear and never trusts a certificate the configured CA did not sign: slapd
/// without TLS, and slapd with a certificate from another CA. The reference client (ldapwhoami) shows each time
/// that the directory itself would have accepted the bind.
/// </summary>
public sealed class LdapTransportTests
{
    private static readonly IPAddress Laptop = AccessHost.Elsewhere(43);

    [Fact]
    public async Task APlainDirectoryWhoseStartTlsFails_IsRefused_AndNeverGetsABindInClear()
    {
        await using var slapd = await SlapdDirectory.StartAsync(TestTree.Suffix, TestTree.Ldif(), tls: null);
        using var authority = new TestAuthority("Unused CA");
        var caFile = Path.Combine(slapd.WorkDirectory, "ca.pem");
        await File.WriteAllTextAsync(caFile, authority.CertificatePem);

        // Negative control: this directory does accept a simple bind in clear (ldapwhoami without -ZZ)...
        var (code, output) = await SlapdDirectory.ClientAsync(new Dictionary<string, string>(), "ldapwhoami", "-x", "-H", slapd.LdapUrl, "-D", TestTree.Dn("alice"), "-w", TestTree.Passwords["alice"]);
        Assert.True(code == 0, output);
        var before = slapd.Log.Length;

        // ...but the host asks for StartTLS, which fails, and then stops.
        await using var host = await AccessHost.StartAsync(new JsonObject { ["auth"] = TestTree.AuthSection(slapd.LdapUrl, caFile) });
        await host.SetUpAdminAsync();
        using var client = host.Client(Laptop);
        using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = "alice", password = TestTree.Passwords["alice"] }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var log = await slapd.LogSinceAsync(before);
        Assert.NotEmpty(LdapLoginTests.Lines(log, " EXT oid=1.3.6.1.4.1.1466.20037"));
        Assert.Empty(LdapLoginTests.Lines(log, " BIND "));
    }

    [Fact]
    public async Task ADirectoryCertificateFromAnotherCa_IsRefused_OverStartTlsAndLdaps()
    {
        using var real = new TestAuthority("The directory's CA");
        using var other = new TestAuthority("A CA the appliance trusts");
        await using var slapd = await SlapdDirectory.StartAsync(TestTree.Suffix, TestTree.Ldif(), real.IssueServer(IPAddress.Loopback));
        var realFile = Path.Combine(slapd.WorkDirectory, "real-ca.pem");
        var otherFile = Path.Combine(slapd.WorkDirectory, "other-ca.pem");
        await File.WriteAllTextAsync(realFile, real.CertificatePem);
        await File.WriteAllTextAsync(otherFile, other.CertificatePem);

        // Reference client: trusting the directory's CA it binds, trusting only the other CA it refuses.
        foreach (var (ca, expected) in new[] { (realFile, true), (otherFile, false) })
        {
            var env = new Dictionary<string, string> { ["LDAPTLS_CACERT"] = ca };
            var (code, output) = await SlapdDirectory.ClientAsync(env, "ldapwhoami", "-ZZ", "-x", "-H", slapd.LdapUrl, "-D", TestTree.Dn("alice"), "-w", TestTree.Passwords["alice"]);
            Assert.True((code == 0) == expected, $"{ca}: {output}");
        }

        var before = slapd.Log.Length;
        foreach (var url in new[] { slapd.LdapUrl, slapd.LdapsUrl })
        {
            await using var host = await AccessHost.StartAsync(new JsonObject { ["auth"] = TestTree.AuthSection(url, otherFile) });
            await host.SetUpAdminAsync();
            using var client = host.Client(Laptop);
            using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = "alice", password = TestTree.Passwords["alice"] }));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var log = await slapd.LogSinceAsync(before);
        Assert.NotEmpty(LdapLoginTests.Lines(log, " ACCEPT ")); // the host did reach the directory, twice
        Assert.Empty(LdapLoginTests.Lines(log, " BIND "));

        // Positive control: the same host configuration trusting the directory's CA logs in.
        await using var trusting = await AccessHost.StartAsync(new JsonObject { ["auth"] = TestTree.AuthSection(slapd.LdapsUrl, realFile) });
        await trusting.SetUpAdminAsync();
        Assert.Equal("admin", await LdapLoginTests.LoginRoleAsync(trusting, "alice"));
    }
}
