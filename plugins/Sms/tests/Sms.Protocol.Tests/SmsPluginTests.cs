using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Sms.Tests;

/// <summary>The plugin behind its durable subscription, sending to the gateway peer over HTTPS (pinned certificate).</summary>
public sealed class SmsPluginTests
{
    private static PluginContextDouble Context(SmsGatewayPeer peer, int perHour = 10, string token = SmsGatewayPeer.AuthToken) => new(
        JsonSerializer.Serialize(new
        {
            host = "127.0.0.1",
            port = peer.Port,
            path = "/2010-04-01/Accounts/{accountSid}/Messages.json",
            accountSid = SmsGatewayPeer.AccountSid,
            authToken = token,
            from = "Appliance",
            certificateSha256 = peer.CertificateSha256,
            timeoutSeconds = 5,
            maxPerRulePerHour = perHour,
            maxAgeMinutes = 60,
        }),
        TimeProvider.System, "appliance.sms");

    private static RuleActionRequested Action(string rule, params string[] to) => new(
        rule, "Back door", 0, "sms", "", new Dictionary<string, string> { ["message"] = "Alarm: back door" }, to,
        Guid.NewGuid(), "PanelAlarm", DateTimeOffset.UtcNow, "yard", null, null);

    private static async Task<SmsPlugin> StartAsync(PluginContextDouble context)
    {
        var plugin = new SmsPlugin();
        await plugin.StartAsync(context, default);
        return plugin;
    }

    [Fact]
    public async Task Each_recipient_gets_the_rule_message_with_rule_time_and_camera_and_the_action_is_reported_delivered()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100", "+15555550101"), DateTimeOffset.UtcNow));
        Assert.Equal(["+15555550100", "+15555550101"], peer.Accepted.Select(m => m.To));
        var body = peer.Accepted.First().Body;
        Assert.StartsWith("Alarm: back door\nBack door at ", body);
        Assert.EndsWith("UTC, camera yard", body);
        Assert.All(peer.Accepted, m => Assert.Equal("Appliance", m.From));
        var delivered = Assert.Single(context.Outbox.Published.OfType<RuleActionDelivered>());
        Assert.Equal("sms", delivered.Kind);
        Assert.Equal(0, context.Outbox.PendingCount);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_gateway_outage_keeps_the_action_in_the_outbox_and_nobody_is_texted_twice()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100"), DateTimeOffset.UtcNow));
        // The second action's first recipient goes through; its second meets the outage (both quick attempts), so the
        // action stays in the outbox, and its next delivery texts only the one still waiting.
        peer.FailNext(2, afterRequests: 1);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550102", "+15555550103"), DateTimeOffset.UtcNow));
        Assert.Equal(1, context.Outbox.PendingCount);
        Assert.Equal(HealthState.Degraded, context.HealthReports.Components["gateway"].State);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(["+15555550100", "+15555550102", "+15555550103"], peer.Accepted.Select(m => m.To));
        Assert.Equal(2, context.Outbox.Published.OfType<RuleActionDelivered>().Count());
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Over_the_rate_limit_an_action_is_reported_expired_not_sent()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer, perHour: 1);
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100"), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100"), DateTimeOffset.UtcNow));
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("other-rule", "+15555550100"), DateTimeOffset.UtcNow));
        Assert.Equal(2, peer.Accepted.Count);
        var expired = Assert.Single(context.Outbox.Published.OfType<RuleActionExpired>());
        Assert.Equal("door", expired.RuleId);
        Assert.Contains("rate limit", expired.LastError);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Refused_credentials_and_a_bad_number_are_given_up_and_reported_not_retried_forever()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer, token: "wrong");
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100", "0170 1234567"), DateTimeOffset.UtcNow));
        Assert.Equal(0, context.Outbox.PendingCount);
        var expired = context.Outbox.Published.OfType<RuleActionExpired>().ToList();
        Assert.Equal(2, expired.Count);
        Assert.Contains("auth", expired[0].LastError);
        Assert.Contains("E.164", expired[1].LastError);
        Assert.Equal([20003], peer.Refused);
        Assert.Contains(context.Log.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("given up", StringComparison.Ordinal));
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Other_kinds_are_ignored_and_without_a_gateway_actions_wait()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100") with { Kind = "email" }, DateTimeOffset.UtcNow));
        Assert.Empty(peer.Accepted);
        Assert.Empty(context.Outbox.Published);
        await plugin.StopAsync(default);

        var off = new PluginContextDouble("""{ "host": "" }""", TimeProvider.System, "appliance.sms");
        await new SmsPlugin().StartAsync(off, default);
        Assert.Empty(off.Outbox.SubscriptionNames);
        Assert.Contains("no SMS gateway", off.HealthReports.Components["gateway"].Message);
    }

    [Fact]
    public async Task The_messages_route_lists_what_happened()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(Action("door", "+15555550100"), DateTimeOffset.UtcNow));
        var response = await context.HttpRoutes.Routes["GET messages"](null!, default);
        using var body = new MemoryStream();
        await response.Body!(body, default);
        var list = JsonDocument.Parse(body.ToArray()).RootElement;
        Assert.Contains(list.EnumerateArray(), m => m.GetProperty("outcome").GetString() == "sent" && m.GetProperty("to").GetString() == "+15555550100");
        await plugin.StopAsync(default);
    }
}
