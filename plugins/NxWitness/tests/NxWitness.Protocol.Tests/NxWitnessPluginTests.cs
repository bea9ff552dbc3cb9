using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>The plugin in a minimal host: one durable subscription per server, delivered/expired reports, a down server keeps its events.</summary>
public sealed class NxWitnessPluginTests
{
    private static string Config(params (string Name, int Port, string User)[] servers) =>
        $$"""
        { "servers": [{{string.Join(",", servers.Select(s => $$"""{ "name": "{{s.Name}}", "host": "127.0.0.1", "port": {{s.Port}}, "username": "{{s.User}}", "password": "pw-{{s.User}}", "timeoutSeconds": 5 }"""))}}],
          "maxAgeMinutes": 60, "quickAttempts": 1, "streamUser": "viewer", "streamPassword": "vp" }
        """;

    private static PluginContextDouble Host(string config) => new(config, TimeProvider.System, "appliance.nxwitness");

    private static RuleActionRequested Action(string target, string kind = "vms") => new(
        "r1", "Lobby motion", 0, kind, target, new Dictionary<string, string> { ["caption"] = "Motion" }, [],
        Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "lobby", null, null);

    [Fact]
    public async Task Each_server_has_its_own_subscription_and_account_and_a_delivered_event_is_reported()
    {
        await using var nx = new FakeNxServer(r => r.Headers.GetValueOrDefault("Authorization") is { } a && a == Basic("main-user", "pw-main-user")
            ? FakeResponse.Ok()
            : new FakeResponse(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"VMS\"" }));
        using var closed = new ClosedPort();
        var other = closed.Port;
        var host = Host(Config(("nx-main", nx.Port, "main-user"), ("nx-annex", other, "annex-user")));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        Assert.Equal(["server/nx-annex", "server/nx-main"], host.Outbox.SubscriptionNames.Order());
        Assert.Contains("POST servers/{name}/register-cameras", host.RouteTable.Routes.Keys);

        var envelope = host.Outbox.Envelope(Action("nx-main"), DateTimeOffset.UtcNow);
        Assert.True(await host.Outbox.DeliverAsync("server/nx-main", envelope));
        Assert.True(await host.Outbox.DeliverAsync("server/nx-annex", envelope), "another server's subscription ignores it");
        Assert.True(await host.Outbox.DeliverAsync("server/nx-main", host.Outbox.Envelope(Action("nx-main", kind: "email"), DateTimeOffset.UtcNow)));
        Assert.True(await host.Outbox.DeliverAsync("server/nx-main", host.Outbox.Envelope(Action($"127.0.0.1:{nx.Port}"), DateTimeOffset.UtcNow)), "host:port is not a name");

        var delivered = Assert.IsType<RuleActionDelivered>(Assert.Single(host.Outbox.Published));
        Assert.Equal(envelope.Id, delivered.RequestEventId);
        Assert.Equal("nx-main", delivered.Target);
        var received = nx.Received.Where(r => r.Headers.ContainsKey("Authorization")).ToList();
        Assert.Equal("Motion", NxDocumentation.ValidateCreateEvent(Assert.Single(received))["caption"]);
        Assert.Equal(HealthState.Healthy, host.HealthReports.Components["nx-main"].State);
        Assert.Equal(HealthState.Healthy, host.HealthReports.Components["nx-annex"].State);
        await plugin.StopAsync(default);
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task A_down_server_keeps_the_event_in_the_outbox_until_it_is_too_old_then_it_is_expired()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        var host = Host(Config(("nx-down", port, "u")));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        const string name = "nx-down";

        Assert.False(await host.Outbox.DeliverAsync($"server/{name}", host.Outbox.Envelope(Action(name), DateTimeOffset.UtcNow)));
        Assert.Empty(host.Outbox.Published);
        Assert.Equal(HealthState.Degraded, host.HealthReports.Components[name].State);
        Assert.Contains("transport", host.HealthReports.Components[name].Message);

        Assert.True(await host.Outbox.DeliverAsync($"server/{name}", host.Outbox.Envelope(Action(name), DateTimeOffset.UtcNow.AddHours(-2))));
        var expired = Assert.IsType<RuleActionExpired>(Assert.Single(host.Outbox.Published));
        Assert.Equal(name, expired.Target);
        Assert.StartsWith("transport:", expired.LastError);
        Assert.True(expired.Age > TimeSpan.FromHours(1));
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Refused_credentials_make_the_server_unhealthy_and_keep_the_event()
    {
        await using var nx = new FakeNxServer(_ => new FakeResponse(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"VMS\"" }));
        var host = Host(Config(("nx-refusing", nx.Port, "u")));
        var plugin = new NxWitnessPlugin();
        await plugin.StartAsync(host, default);
        const string name = "nx-refusing";
        Assert.False(await host.Outbox.DeliverAsync($"server/{name}", host.Outbox.Envelope(Action(name), DateTimeOffset.UtcNow)));
        Assert.Equal(HealthState.Unhealthy, host.HealthReports.Components[name].State);
        Assert.Contains("auth", host.HealthReports.Components[name].Message);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_bad_server_list_stops_the_start_with_the_paths()
    {
        var host = Host("""{ "servers": [ { "name": "a", "host": "h" }, { "name": "b", "host": "", "username": "" } ], "maxAgeMinutes": 1, "quickAttempts": 1, "streamUser": "" }""");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new NxWitnessPlugin().StartAsync(host, default));
        Assert.Contains("servers[1].host", error.Message);
        Assert.Contains("servers[1].username", error.Message);
    }
}
