using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>The plugin with its durable subscription (an outbox double) publishing to a real mosquitto.</summary>
public sealed class PluginTests
{
    private static string Config(int port, string extra = "") =>
        $$"""{ "host": "127.0.0.1", "port": {{port}}, "tls": false, "certificateSha256": "", "username": "", "clientId": "", "topicPrefix": "appliance-1", "qos": 1, "retain": false, "timeoutSeconds": 2, "maxAgeMinutes": 60, "quickAttempts": 1 {{extra}} }""";

    private static async Task<(MqttPlugin Plugin, PluginContextDouble Context)> StartAsync(string config)
    {
        var context = new PluginContextDouble(config, TimeProvider.System, "appliance.mqtt");
        var plugin = new MqttPlugin();
        await plugin.StartAsync(context, default);
        return (plugin, context);
    }

    [Fact]
    public async Task Actions_wait_while_the_broker_is_down_and_are_published_in_order_when_it_returns()
    {
        var broker = await SiteBroker.StartAsync(Brokers.Folder("down"));
        await using var _ = broker;
        await broker.Peer.StopAsync();
        var (plugin, context) = await StartAsync(Config(broker.Port));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", "first"), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", "second"), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/gate", null, ruleId: "gate"), DateTimeOffset.UtcNow));

        Assert.Equal(3, context.Outbox.PendingCount);
        Assert.Empty(context.Outbox.Published);
        var health = context.HealthReports.Components[MqttPlugin.Component];
        Assert.Equal(HealthState.Degraded, health.State);
        Assert.Contains("unreachable", health.Message);

        await broker.Peer.StartAsync();
        using var subscriber = await broker.SubscribeAsync("appliance-1/#");
        await context.Outbox.DrainAsync();

        Assert.Equal(0, context.Outbox.PendingCount);
        var received = await subscriber.WaitForAsync(3);
        Assert.Equal(["appliance-1/site/door", "appliance-1/site/door", "appliance-1/site/gate"], received.Select(m => m.Topic));
        Assert.Equal(["first", "second"], received.Take(2).Select(m => m.Text));
        Assert.Equal("gate", JsonDocument.Parse(received[2].Payload).RootElement.GetProperty("ruleId").GetString());
        Assert.All(received, m => Assert.Equal(1, m.Qos));
        var delivered = context.Outbox.Published.OfType<RuleActionDelivered>().ToList();
        Assert.Equal(3, delivered.Count);
        Assert.Equal(4, delivered[0].Attempts); // tried once on each of the three appends (the outbox drains then), and once more now
        Assert.All(delivered, d => Assert.Equal("mqtt", d.Kind));
        Assert.Equal("appliance-1/site/gate", delivered[2].Target);
        Assert.Equal(HealthState.Healthy, context.HealthReports.Components[MqttPlugin.Component].State);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Publishes_as_configured_over_TLS_with_the_pinned_certificate_and_a_password()
    {
        var folder = Brokers.Folder("plugin-tls");
        var certificate = SelfSignedCertificate.Create(folder);
        await using var broker = await SiteBroker.StartAsync(folder, tls: certificate, authenticated: true);
        using var subscriber = await broker.SubscribeAsync("appliance-1/#");
        var pin = string.Join(':', Convert.FromHexString(certificate.Sha256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var (plugin, context) = await StartAsync(Config(broker.Port)
            .Replace("\"tls\": false, \"certificateSha256\": \"\", \"username\": \"\"",
                $"\"tls\": true, \"certificateSha256\": \"{pin}\", \"username\": \"{SiteBroker.User}\", \"password\": \"{SiteBroker.Password}\"")
            .Replace("\"qos\": 1, \"retain\": false", "\"qos\": 2, \"retain\": true"));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", "open"), DateTimeOffset.UtcNow));

        Assert.Equal(0, context.Outbox.PendingCount);
        var received = Assert.Single(await subscriber.WaitForAsync(1));
        Assert.Equal(("appliance-1/site/door", 2, "open"), (received.Topic, received.Qos, received.Text));
        Assert.Equal(1, Assert.Single(context.Outbox.Published.OfType<RuleActionDelivered>()).Attempts);
        await plugin.StopAsync(default);

        using var late = await broker.SubscribeAsync("appliance-1/site/door");
        Assert.True(Assert.Single(await late.WaitForAsync(1)).Retained);
    }

    [Fact]
    public async Task An_action_older_than_the_age_limit_is_reported_as_expired_with_the_last_error()
    {
        var (plugin, context) = await StartAsync(Config(FreePort.Tcp()));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", "late"), DateTimeOffset.UtcNow.AddMinutes(-61)));

        Assert.Equal(0, context.Outbox.PendingCount);
        var expired = Assert.Single(context.Outbox.Published.OfType<RuleActionExpired>());
        Assert.Equal("door", expired.RuleId);
        Assert.Equal(1, expired.Attempts);
        Assert.True(expired.Age > TimeSpan.FromMinutes(60));
        Assert.StartsWith("unreachable:", expired.LastError);
        Assert.Empty(context.Outbox.Published.OfType<RuleActionDelivered>());
        await plugin.StopAsync(default);
    }

    [Theory]
    [InlineData("site/+/door", "wildcard")]
    [InlineData("", "no MQTT topic")]
    public async Task An_action_with_a_topic_that_can_never_be_published_is_reported_at_once(string topic, string reason)
    {
        var (plugin, context) = await StartAsync(Config(FreePort.Tcp()));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action(topic, "x"), DateTimeOffset.UtcNow));

        Assert.Equal(0, context.Outbox.PendingCount);
        var expired = Assert.Single(context.Outbox.Published.OfType<RuleActionExpired>());
        Assert.Equal(0, expired.Attempts);
        Assert.StartsWith("malformed:", expired.LastError);
        Assert.Contains(reason, expired.LastError);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task An_oversized_payload_is_reported_at_once()
    {
        var (plugin, context) = await StartAsync(Config(FreePort.Tcp()));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", new string('x', 300_000)), DateTimeOffset.UtcNow));

        var expired = Assert.Single(context.Outbox.Published.OfType<RuleActionExpired>());
        Assert.StartsWith("too-large:", expired.LastError);
        Assert.Equal(0, context.Outbox.PendingCount);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Other_kinds_of_actions_are_left_alone()
    {
        var (plugin, context) = await StartAsync(Config(FreePort.Tcp()));

        await context.Outbox.AppendAsync(context.Outbox.Envelope(PayloadTests.Action("site/door", "x") with { Kind = "webhook" }, DateTimeOffset.UtcNow));

        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Empty(context.Outbox.Published);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Without_a_broker_nothing_subscribes_and_health_says_so()
    {
        var (plugin, context) = await StartAsync("""{ "host": "", "port": 1883, "tls": false, "qos": 1, "retain": false, "timeoutSeconds": 2, "maxAgeMinutes": 60, "quickAttempts": 1, "topicPrefix": "" }""");

        Assert.Empty(context.Outbox.SubscriptionNames);
        Assert.Contains("no broker configured", context.HealthReports.Components[MqttPlugin.Component].Message);
        await plugin.StopAsync(default);
    }

    [Theory]
    [InlineData("\"tls\": true, \"certificateSha256\": \"12:34\"", "64 hex digits")]
    [InlineData("\"tls\": false, \"certificateSha256\": \"abababababababababababababababababababababababababababababababab\"", "needs TLS")]
    public async Task A_bad_certificate_pin_stops_the_start_with_the_reason(string setting, string reason)
    {
        var config = Config(1883).Replace("\"tls\": false, \"certificateSha256\": \"\",", setting + ",");
        var context = new PluginContextDouble(config, TimeProvider.System, "appliance.mqtt");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MqttPlugin().StartAsync(context, default));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_default_client_id_is_chosen_once_and_kept()
    {
        var folder = Brokers.Folder("client-id");
        var first = BrokerConfig.StableClientId(folder);
        Assert.Matches("^appliance-[0-9a-f]{12}$", first);
        Assert.Equal(first, BrokerConfig.StableClientId(folder));
    }
}
