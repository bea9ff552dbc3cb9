using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>
/// The plugin end to end against the HTTPS listener: rule actions of kind <c>vms</c> through its durable
/// subscriptions, <c>RuleActionDelivered</c> / <c>RuleActionExpired</c>, health per server, nothing lost while a
/// server is down.
/// </summary>
public sealed class GenetecPluginTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private const string Ok = """{"Rsp":{"Status":"Ok"}}""";

    private string Config(int port, int maxAgeMinutes = 60) => $$"""
        { "servers": [ { "name": "genetec", "host": "127.0.0.1", "port": {{port}}, "username": "appliance", "password": "p",
                         "applicationId": "KxsD", "certificateSha256": "{{certificates.ServerSha256}}", "timeoutSeconds": 5 } ],
          "maxAgeMinutes": {{maxAgeMinutes}}, "quickAttempts": 1 }
        """;

    private static RuleActionRequested Action(string target, Dictionary<string, string> parameters, string kind = "vms") => new(
        "lobby", "Lobby motion", 0, kind, target, parameters, [], Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "cam1", null, null);

    [Fact]
    public async Task Actions_for_the_server_are_delivered_and_reported_and_others_are_left_alone()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, Ok));
        var context = new PluginContextDouble(Config(server.Port), TimeProvider.System, "appliance.genetec");
        var plugin = new GenetecPlugin();
        await plugin.StartAsync(context, default);
        Assert.Equal(["server/genetec"], context.Outbox.SubscriptionNames);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("genetec", new() { ["customEventId"] = "5000" }), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("milestone", new() { ["customEventId"] = "1" }), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("genetec", new() { ["customEventId"] = "1" }, kind: "email"), DateTimeOffset.UtcNow));
        Assert.Equal("RaiseCustomEvent(CustomEventId(5000))", Assert.Single(server.Received).Q);
        var delivered = Assert.IsType<RuleActionDelivered>(Assert.Single(context.Outbox.Published));
        Assert.Equal(("lobby", "vms", "genetec", 1), (delivered.RuleId, delivered.Kind, delivered.Target, delivered.Attempts));
        Assert.Equal(HealthState.Healthy, context.HealthReports.Components["genetec"].State);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_server_down_keeps_its_actions_in_the_outbox_and_gets_them_in_order_when_it_returns()
    {
        var port = WebSdkRequestTests.FreePort();
        var context = new PluginContextDouble(Config(port), TimeProvider.System, "appliance.genetec");
        var plugin = new GenetecPlugin();
        await plugin.StartAsync(context, default);
        foreach (var id in new[] { "1", "2", "3" })
            await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("genetec", new() { ["customEventId"] = id }), DateTimeOffset.UtcNow));
        Assert.Equal(3, context.Outbox.PendingCount);
        Assert.Empty(context.Outbox.Published);
        Assert.Equal(HealthState.Degraded, context.HealthReports.Components["genetec"].State);
        Assert.StartsWith("transport:", context.HealthReports.Components["genetec"].Message);

        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, Ok), port);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(["1", "2", "3"], server.Received.Select(r => r.Q!.Split('(', ')')[2]));
        // The first action was tried at each of the three appends (the others wait behind it), then once more.
        Assert.Equal([4, 1, 1], context.Outbox.Published.Cast<RuleActionDelivered>().Select(d => d.Attempts));
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Past_the_age_limit_an_undelivered_action_is_expired_and_bad_parameters_expire_at_once()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(401, ""));
        var context = new PluginContextDouble(Config(server.Port, maxAgeMinutes: 1), TimeProvider.System, "appliance.genetec");
        var plugin = new GenetecPlugin();
        await plugin.StartAsync(context, default);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("genetec", new() { ["alarm"] = Guid.NewGuid().ToString() }), DateTimeOffset.UtcNow.AddMinutes(-2)));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("genetec", new() { ["customEventId"] = "1)),Open(x" }), DateTimeOffset.UtcNow));
        Assert.Equal(0, context.Outbox.PendingCount);
        var expired = context.Outbox.Published.Cast<RuleActionExpired>().ToList();
        Assert.Equal(2, expired.Count);
        Assert.StartsWith("unauthorized:", expired[0].LastError);
        Assert.Equal(1, expired[0].Attempts);
        Assert.True(expired[0].Age >= TimeSpan.FromMinutes(2));
        Assert.StartsWith("invalid-parameters:", expired[1].LastError);
        Assert.Equal(0, expired[1].Attempts);
        Assert.Single(server.Received);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_bad_configuration_stops_the_start_with_every_error()
    {
        var context = new PluginContextDouble("""{"servers": [{"name": "", "host": "a.site.example", "username": "u", "applicationId": "x"}, {"name": "b"}], "maxAgeMinutes": 1, "quickAttempts": 1}""", TimeProvider.System, "appliance.genetec");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new GenetecPlugin().StartAsync(context, default));
        Assert.Contains("servers[0].name", error.Message);
        Assert.Contains("servers[0].password", error.Message);
        Assert.Contains("servers[1].host", error.Message);
        Assert.Contains("servers[1].username", error.Message);
    }
}
