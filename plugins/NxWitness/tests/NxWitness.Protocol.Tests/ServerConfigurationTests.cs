using System.Text.Json;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

public sealed class ServerConfigurationTests
{
    private static Appliance.Abstractions.Result<IReadOnlyList<NxServer>> Parse(string json) =>
        NxServers.Parse(JsonDocument.Parse(json).RootElement, "admin", "pw", TimeSpan.FromSeconds(5));

    [Fact]
    public void Servers_default_to_port_7001_and_are_named_host_colon_port()
    {
        var servers = Parse("""[ { "host": "nx1.site.example" }, { "host": "10.0.0.7", "port": 7443, "transport": "tcp" } ]""").Value;
        Assert.Equal(["nx1.site.example:7001", "10.0.0.7:7443"], servers.Select(s => s.ToString()));
        Assert.True(servers[0].IsNamedBy("NX1.site.example"));
        Assert.True(servers[1].IsNamedBy("10.0.0.7:7443"));
        Assert.False(servers[1].IsNamedBy("10.0.0.7:7001"));
        Assert.Equal(new Uri("http://nx1.site.example:7001/"), servers[0].BaseUri);
    }

    [Fact]
    public void Every_bad_field_is_named_with_its_path()
    {
        var result = Parse("""
            [ { "host": "nx1" }, { "host": "not a host!", "port": 0, "transport": "udp" }, [], { "host": "nx1", "port": 7001 }, { "port": "x" }, { "host": "h", "transport": 5 } ]
            """);
        Assert.Equal("invalid-config", result.Failure!.Code);
        foreach (var f in new[] { "servers[1].host", "servers[1].port", "servers[1].transport", "servers[2]: expected an object", "servers[3]: nx1:7001 is listed twice", "servers[4].host", "servers[4].port", "servers[5].transport" })
            Assert.Contains(f, result.Failure.Message);
    }

    [Fact]
    public void More_than_sixteen_servers_or_not_an_array_is_refused()
    {
        Assert.False(Parse("{}").IsOk);
        Assert.False(Parse("[" + string.Join(",", Enumerable.Range(0, 17).Select(i => $$"""{"host":"h{{i}}"}""")) + "]").IsOk);
    }

    [Fact]
    public void The_protocol_library_references_no_host_and_no_other_plugin()
    {
        var references = typeof(NxClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.Host") || r.StartsWith("Appliance.Core") || (r.StartsWith("Appliance.Plugins.") && !r.StartsWith("Appliance.Plugins.NxWitness")));
    }
}
