using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>The plugin in a minimal host: one durable subscription per server, delivered/expired reports, a down server keeps its events.</summary>
public sealed class NxWitnessPluginTests
{
    private static string Config(params int[] ports) =>
        $$"""
        { "servers": [{{string.Join(",", ports.Select(p => $$"""{ "host": "127.0.0.1", "port": {{p}} }"""))}}],
          "username": "admin", "password": "pw", "timeoutSeconds": 5, "maxAgeMinutes": 60, "quickAttempts": 1,
          "streamUser": "viewer", "streamPassword": "vp" }
        """;

    private static RuleActionRequested Action(string target, string kind = "vms") => new(
        "r1", "Lobby motion", 0, kind, target, new Dictionary<string, string> { ["caption"] = "Motion" }, [],
        Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "lobby", null, null);

    [Fact]
    public async Task Each_server_has_its_own_subscription_and_a_delivered_event_is_reported()
    {
        await using var nx = new FakeNxServer(_ => FakeResponse.Ok());
        var other = FakeNxServer.FreePort();
        var host = new PluginHost(Config(nx.Port, other));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        Assert.Equal([$"server/127.0.0.1:{nx.Port}", $"server/127.0.0.1:{other}"], host.Subscriptions.Order());
        Assert.Contains("POST servers/{name}/register-cameras", host.RouteTable.Keys);

        var envelope = PluginHost.Envelope(Action($"127.0.0.1:{nx.Port}"), DateTimeOffset.UtcNow);
        Assert.True(await host.DeliverAsync($"server/127.0.0.1:{nx.Port}", envelope));
        Assert.True(await host.DeliverAsync($"server/127.0.0.1:{other}", envelope), "another server's subscription ignores it");
        Assert.True(await host.DeliverAsync($"server/127.0.0.1:{nx.Port}", PluginHost.Envelope(Action("127.0.0.1", kind: "email"), DateTimeOffset.UtcNow)));

        var delivered = Assert.IsType<RuleActionDelivered>(Assert.Single(host.Published));
        Assert.Equal(envelope.Id, delivered.RequestEventId);
        Assert.Equal($"127.0.0.1:{nx.Port}", delivered.Target);
        Assert.Equal("Motion", NxDocumentation.ValidateCreateEvent(Assert.Single(nx.Received))["caption"]);
        Assert.Equal(HealthState.Healthy, host.HealthOf($"127.0.0.1:{nx.Port}")!.State);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_down_server_keeps_the_event_in_the_outbox_until_it_is_too_old_then_it_is_expired()
    {
        var port = FakeNxServer.FreePort();
        var host = new PluginHost(Config(port));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        var name = $"127.0.0.1:{port}";

        Assert.False(await host.DeliverAsync($"server/{name}", PluginHost.Envelope(Action(name), DateTimeOffset.UtcNow)));
        Assert.Empty(host.Published);
        Assert.Equal(HealthState.Degraded, host.HealthOf(name)!.State);
        Assert.Contains("transport", host.HealthOf(name)!.Message);

        Assert.True(await host.DeliverAsync($"server/{name}", PluginHost.Envelope(Action(name), DateTimeOffset.UtcNow.AddHours(-2))));
        var expired = Assert.IsType<RuleActionExpired>(Assert.Single(host.Published));
        Assert.Equal(name, expired.Target);
        Assert.StartsWith("transport:", expired.LastError);
        Assert.True(expired.Age > TimeSpan.FromHours(1));
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Refused_credentials_make_the_server_unhealthy_and_keep_the_event()
    {
        await using var nx = new FakeNxServer(_ => new FakeResponse(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"VMS\"" }));
        var host = new PluginHost(Config(nx.Port));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        var name = $"127.0.0.1:{nx.Port}";
        Assert.False(await host.DeliverAsync($"server/{name}", PluginHost.Envelope(Action(name), DateTimeOffset.UtcNow)));
        Assert.Equal(HealthState.Unhealthy, host.HealthOf(name)!.State);
        Assert.Contains("auth", host.HealthOf(name)!.Message);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_bad_server_list_stops_the_start_with_the_paths()
    {
        var host = new PluginHost("""{ "servers": [ { "host": "" } ], "username": "a", "timeoutSeconds": 5, "maxAgeMinutes": 1, "quickAttempts": 1, "streamUser": "" }""");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new NxWitnessPlugin().StartAsync(host, default));
        Assert.Contains("servers[0].host", error.Message);
    }
}
