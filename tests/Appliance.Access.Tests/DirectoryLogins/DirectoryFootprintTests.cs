using System.Text.Json.Nodes;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.DirectoryLogins;

/// <summary>
/// The directory of <c>auth.ldap.url</c> joins the host's own footprint: a row in the network requirements and an
/// outbound rule in the compiled firewall (outbound allowlist on), and nothing of it while no directory is configured.
/// </summary>
public sealed class DirectoryFootprintTests(DirectoryFixture directory) : IClassFixture<DirectoryFixture>
{
    private const string Purpose = "Directory logins (LDAP/AD)";

    [Fact]
    public async Task TheConfiguredDirectory_IsInTheRequirements_AndTheCompiledFirewall_OnlyWhenConfigured()
    {
        await using (var plain = await StartAsync(auth: null))
        {
            var (requirements, ruleset) = await FootprintAsync(plain);
            Assert.DoesNotContain(Purpose, requirements);
            Assert.DoesNotContain($"dport {directory.Slapd.LdapsPort} ", ruleset);
        }

        await using (var host = await StartAsync(TestTree.AuthSection(directory.Slapd.LdapsUrl, directory.CaFile)))
        {
            var (requirements, ruleset) = await FootprintAsync(host);
            var row = Assert.Single(requirements.Split('\n'), l => l.Contains(Purpose, StringComparison.Ordinal));
            Assert.Contains("127.0.0.1", row);
            Assert.Contains($"{directory.Slapd.LdapsPort}", row);
            Assert.Contains("site", row);
            Assert.Contains($"tcp dport {directory.Slapd.LdapsPort} accept", ruleset);
            Assert.Contains("127.0.0.1", ruleset);
            // The directory so declared is the one the login uses.
            Assert.Equal("admin", await LdapLoginTests.LoginRoleAsync(host, "alice"));
        }

        // A host name without a port: 389 for ldap:// (StartTLS), in the zone named by auth.ldap.zone.
        var byName = TestTree.AuthSection("ldap://dc1.corp.example", directory.CaFile);
        byName["ldap"]!["zone"] = "uplink";
        await using (var host = await StartAsync(byName))
        {
            var (requirements, ruleset) = await FootprintAsync(host);
            var row = Assert.Single(requirements.Split('\n'), l => l.Contains(Purpose, StringComparison.Ordinal));
            Assert.Contains("dc1.corp.example", row);
            Assert.Contains("389", row);
            Assert.Contains("uplink", row);
            Assert.Contains("tcp dport 389 accept", ruleset);
        }
    }

    private static Task<AccessHost> StartAsync(JsonObject? auth)
    {
        var zones = new JsonObject
        {
            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "vethsite0", ["zone"] = "site" }, new JsonObject { ["name"] = "vethup0", ["zone"] = "uplink" }),
            ["outboundAllowlist"] = true,
        };
        var appliance = new JsonObject { ["network"] = new JsonObject { ["firewall"] = new JsonObject { ["zones"] = zones } } };
        if (auth is not null) appliance["auth"] = auth;
        return AccessHost.StartAsync(appliance);
    }

    private static async Task<(string Requirements, string Ruleset)> FootprintAsync(AccessHost host)
    {
        await host.SetUpAdminAsync();
        using var client = host.TokenClient(await host.TokenAsync());
        using var requirements = await client.GetAsync("/api/v1/network/requirements?format=csv");
        using var ruleset = await client.GetAsync("/api/v1/network/firewall/ruleset");
        var text = (await requirements.Content.ReadAsStringAsync(), await ruleset.Content.ReadAsStringAsync());
        Assert.True(requirements.IsSuccessStatusCode, text.Item1);
        Assert.True(ruleset.IsSuccessStatusCode, text.Item2);
        return text;
    }
}
