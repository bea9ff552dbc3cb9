using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Genetec.Protocol;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>Configuration and rule-action parameters: every bad field named, hostile text never reaching a request.</summary>
public sealed class ConfigurationTests
{
    private static RuleActionRequested Action(Dictionary<string, string> parameters) => new(
        "lobby", "Lobby motion", 0, "vms", "genetec", parameters, [], Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "cam1", null, null);

    [Fact]
    public void A_good_configuration_gives_one_server_per_item()
    {
        using var servers = JsonDocument.Parse("""
            [ { "name": "main", "host": "sc.site.example", "username": "appliance", "password": "p", "applicationId": "KxsD", "certificateSha256": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99" },
              { "name": "backup", "host": "10.0.0.5", "port": 4443, "username": "appliance", "password": "", "applicationId": "KxsD", "timeoutSeconds": 3 } ]
            """);
        var parsed = GenetecServers.Parse(servers.RootElement);
        Assert.True(parsed.IsOk, parsed.ToString());
        Assert.Equal(["main", "backup"], parsed.Value.Select(s => s.Name));
        Assert.Equal(new Uri("https://sc.site.example:4590/WebSdk/"), parsed.Value[0].Endpoint.Base);
        Assert.Equal(new Uri("https://10.0.0.5:4443/WebSdk/"), parsed.Value[1].Endpoint.Base);
        Assert.Equal("aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899", parsed.Value[0].Pin!.Fingerprint);
        Assert.Null(parsed.Value[1].Pin);
        Assert.Equal(TimeSpan.FromSeconds(3), parsed.Value[1].Timeout);
    }

    [Fact]
    public void Configuration_errors_name_every_bad_field()
    {
        using var servers = JsonDocument.Parse("""
            [ { "name": "a", "host": "sc.site.example", "username": "u", "password": "p", "applicationId": "x" },
              { "name": "a", "host": "not a host!", "port": 0, "username": "us;er", "applicationId": "", "password": "p", "certificateSha256": "12", "timeoutSeconds": "x", "baseUri": "../x?" },
              { "name": "b", "username": "u", "password": "p\n", "applicationId": "x" }, [] ]
            """);
        var result = GenetecServers.Parse(servers.RootElement);
        Assert.False(result.IsOk);
        foreach (var f in new[] { "servers[1].name: \"a\" is used by another server", "servers[1].host", "servers[1].port", "servers[1].username", "servers[1].applicationId",
                     "servers[1].certificateSha256", "servers[1].timeoutSeconds", "servers[1].baseUri", "servers[2].host", "servers[2].password", "servers[3]: expected an object" })
            Assert.Contains(f, result.Failure!.Message);
        Assert.DoesNotContain("servers[0]", result.Failure!.Message);
        Assert.DoesNotContain("accounts", result.Failure.Message);
    }

    [Fact]
    public void Servers_must_be_a_short_array()
    {
        using var notArray = JsonDocument.Parse("""{ "host": "sc.site.example" }""");
        Assert.StartsWith("servers: expected an array", GenetecServers.Parse(notArray.RootElement).Failure!.Message);
        using var tooMany = JsonDocument.Parse("[" + string.Join(",", Enumerable.Repeat("{}", GenetecServers.MaxServers + 1)) + "]");
        Assert.StartsWith("servers: expected an array", GenetecServers.Parse(tooMany.RootElement).Failure!.Message);
    }

    [Theory]
    [InlineData("customEventId", "5000", "RaiseCustomEvent(CustomEventId(5000))")]
    [InlineData("alarm", "543b686c-06e1-4304-afa6-fcef50242a5e", "TriggerAlarm(543b686c06e14304afa6fcef50242a5e)")]
    public void Parameters_select_the_action(string key, string value, string q) =>
        Assert.Equal("action?q=" + Uri.EscapeDataString(q), ActionParameters.ToWebSdkAction(Action(new() { [key] = value })).Value.PathAndQuery);

    [Theory]
    [InlineData("customEventId", "5000)),Open(a374769385ec49c0a8f653ac10ca0381")]
    [InlineData("customEventId", "-1")]
    [InlineData("customEventId", "99999999999999")]
    [InlineData("customEventId", " 5")]
    [InlineData("alarm", "LogicalId(Alarm,1)")]
    [InlineData("alarm", "543b686c-06e1-4304-afa6-fcef50242a5e),Open(x")]
    public void Hostile_or_malformed_parameters_are_refused_and_never_sent(string key, string value)
    {
        var result = ActionParameters.ToWebSdkAction(Action(new() { [key] = value }));
        Assert.Equal("invalid-parameters", result.Failure!.Code);
    }

    [Fact]
    public void Exactly_one_of_custom_event_or_alarm_and_a_source_must_be_a_guid()
    {
        Assert.False(ActionParameters.ToWebSdkAction(Action([])).IsOk);
        Assert.False(ActionParameters.ToWebSdkAction(Action(new() { ["customEventId"] = "1", ["alarm"] = Guid.NewGuid().ToString() })).IsOk);
        var badSource = ActionParameters.ToWebSdkAction(Action(new() { ["alarm"] = Guid.NewGuid().ToString(), ["source"] = "cam1\r\nX: y" }));
        Assert.Equal("invalid-parameters", badSource.Failure!.Code);
        Assert.DoesNotContain('\n', badSource.Failure.Message);
    }

    [Theory]
    [InlineData("us:er", "app", "p")]
    [InlineData("us;er", "app", "p")]
    [InlineData("", "app", "p")]
    [InlineData("user", "a;pp", "p")]
    [InlineData("user", "app", "p\r\n")]
    public void Credentials_that_would_change_the_basic_header_are_refused(string user, string app, string password) =>
        Assert.Equal("invalid-config", WebSdkCredentials.Create(user, app, password).Failure!.Code);

    [Fact]
    public void Credentials_never_print_the_password() =>
        Assert.DoesNotContain("s3cret", WebSdkCredentials.Create("user", "app", "s3cret").Value.ToString());

    [Fact]
    public void The_protocol_library_references_no_host_and_no_other_plugin()
    {
        var references = typeof(WebSdkClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.Host") || r.StartsWith("Appliance.Core") || (r.StartsWith("Appliance.Plugins.") && !r.StartsWith("Appliance.Plugins.Genetec")));
    }
}
