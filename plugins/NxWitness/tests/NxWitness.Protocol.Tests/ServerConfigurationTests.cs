using System.Text.Json;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

public sealed class ServerConfigurationTests
{
    private static Appliance.Abstractions.Result<IReadOnlyList<ConfiguredServer>> Parse(string json) =>
        NxServers.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Each_server_has_its_name_and_its_own_account_with_defaults()
    {
        var servers = Parse("""
            [ { "name": "nx-main", "host": "nx1.site.example", "username": "appliance", "password": "p1", "timeoutSeconds": 9 },
              { "name": "nx-annex", "host": "10.0.0.7", "port": 7443, "transport": "tcp" } ]
            """).Value;
        Assert.Equal(["nx-main", "nx-annex"], servers.Select(s => s.Name));
        Assert.Equal(new NxServer("nx1.site.example", 7001, "appliance", "p1", TimeSpan.FromSeconds(9)), servers[0].Api);
        Assert.Equal(new NxServer("10.0.0.7", 7443, "admin", "", TimeSpan.FromSeconds(5)), servers[1].Api);
        Assert.Equal(new Uri("http://nx1.site.example:7001/"), servers[0].Api.BaseUri);
    }

    [Fact]
    public void Two_names_may_reach_one_server_with_different_accounts()
    {
        var servers = Parse("""[ { "name": "a", "host": "nx1", "username": "u1" }, { "name": "b", "host": "nx1", "username": "u2" } ]""").Value;
        Assert.Equal(["u1", "u2"], servers.Select(s => s.Api.User));
    }

    [Fact]
    public void Every_bad_field_is_named_with_its_path()
    {
        var result = Parse($$"""
            [ { "name": "nx1", "host": "nx1" },
              { "name": "", "host": "not a host!", "port": 0, "transport": "udp", "username": "", "password": 5, "timeoutSeconds": 0 },
              [],
              { "name": "nx1", "host": "nx1", "port": 7001 },
              { "name": "{{new string('n', 65)}}", "port": "x", "username": 7, "timeoutSeconds": 121 },
              { "host": "h", "transport": 5, "username": "a\u0001b", "password": "{{new string('p', 257)}}" },
              { "name": "ok", "host": "h", "timeoutSeconds": "5" } ]
            """);
        Assert.Equal("invalid-config", result.Failure!.Code);
        foreach (var f in new[]
        {
            "servers[1].name: 1 to 64", "servers[1].host", "servers[1].port", "servers[1].transport", "servers[1].username", "servers[1].password", "servers[1].timeoutSeconds",
            "servers[2]: expected an object", "servers[3].name: \"nx1\" is used by another server",
            "servers[4].name: 1 to 64", "servers[4].host", "servers[4].port", "servers[4].username", "servers[4].timeoutSeconds: 1 to 120",
            "servers[5].name", "servers[5].transport", "servers[5].username", "servers[5].password", "servers[6].timeoutSeconds",
        })
            Assert.Contains(f, result.Failure.Message);
        Assert.DoesNotContain("servers[0]", result.Failure.Message);
        Assert.DoesNotContain("ppppp", result.Failure.Message);
    }

    [Fact]
    public void A_duplicate_name_is_found_after_a_bad_item()
    {
        var result = Parse("""[ { "name": "x", "host": "" }, { "name": "x", "host": "h" } ]""");
        Assert.Contains("servers[0].host", result.Failure!.Message);
        Assert.Contains("servers[1].name: \"x\" is used by another server", result.Failure.Message);
    }

    [Fact]
    public void More_than_sixteen_servers_or_not_an_array_is_refused()
    {
        Assert.False(Parse("{}").IsOk);
        Assert.False(Parse("[" + string.Join(",", Enumerable.Range(0, 17).Select(i => $$"""{"name":"n{{i}}","host":"h{{i}}"}""")) + "]").IsOk);
    }

    [Fact]
    public void The_protocol_library_references_no_host_and_no_other_plugin()
    {
        var references = typeof(NxClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.Host") || r.StartsWith("Appliance.Core") || (r.StartsWith("Appliance.Plugins.") && !r.StartsWith("Appliance.Plugins.NxWitness")));
    }
}
