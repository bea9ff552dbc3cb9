using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks.Tests;

/// <summary>Deliveries checked by an independent implementation of Standard Webhooks (npm standardwebhooks 1.1.1).</summary>
public sealed class WebhookDeliveryTests
{
    private static readonly string Secret = WebhookSecret.Generate();

    private static RuleActionRequested Action(int index) => new(
        "door-alarm", "Door", index, "webhook", "default", new Dictionary<string, string> { ["note"] = "é \"quoted\" 漢" }, [],
        Guid.NewGuid(), "DigitalInputChanged", DateTimeOffset.UtcNow, null, "io1/in1", null);

    private static (DeliveryAgent Agent, DeliveryLog Log, HttpClient Http) Agent(HttpMessageHandler handler, int quick = 3, TimeSpan? maxAge = null)
    {
        var http = new HttpClient(handler);
        var log = new DeliveryLog(capacity: 100);
        var attempts = DeliveryAgent.Attempts(TimeProvider.System, quick, TimeSpan.FromMilliseconds(20), maxAge ?? TimeSpan.FromHours(1));
        var agent = new DeliveryAgent(new WebhookClient(http, TimeProvider.System), log, TimeProvider.System, attempts);
        return (agent, log, http);
    }

    [Fact]
    public async Task Signed_deliveries_are_verified_by_the_npm_standardwebhooks_library()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "verify");
        var (agent, log, http) = Agent(receiver.TrustingHandler());
        using var _ = http;
        var target = new WebhookTarget("default", receiver.Url, WebhookSecret.Parse(Secret).Value, TimeSpan.FromSeconds(20));
        var sent = new List<RuleActionRequested>();
        for (var i = 0; i < 5; i++)
        {
            var action = Action(i);
            sent.Add(action);
            var outcome = await agent.DeliverAsync(target, new WebhookMessage(WebhookPayload.MessageId(action), WebhookPayload.Build(action)), DateTimeOffset.UtcNow, default);
            Assert.Equal(DeliveryResult.Delivered, outcome.Result);
            Assert.Equal(1, outcome.Attempts);
        }
        var lines = await receiver.WaitForLinesAsync(5);
        Assert.All(lines, l => Assert.True(l.GetProperty("verified").GetBoolean(), l.ToString()));
        Assert.Equal(sent.Select(WebhookPayload.MessageId), lines.Select(l => l.GetProperty("id").GetString()));
        Assert.All(lines, l => Assert.StartsWith("application/json", l.GetProperty("contentType").GetString()));
        var payload = lines[0].GetProperty("payload");
        Assert.Equal("rule.fired", payload.GetProperty("type").GetString());
        Assert.Equal("door-alarm", payload.GetProperty("data").GetProperty("ruleId").GetString());
        Assert.Equal("é \"quoted\" 漢", payload.GetProperty("data").GetProperty("parameters").GetProperty("note").GetString());
        Assert.All(log.Snapshot(), a => Assert.Equal("delivered", a.Outcome));
        Assert.All(log.Snapshot(), a => Assert.Equal(204, a.Status));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_receiver_and_reported_not_retried()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "verify");
        var (agent, log, http) = Agent(receiver.TrustingHandler());
        using var _ = http;
        var target = new WebhookTarget("default", receiver.Url, WebhookSecret.Parse(WebhookSecret.Generate()).Value, TimeSpan.FromSeconds(20));
        var outcome = await agent.DeliverAsync(target, new WebhookMessage("msg_1", "{}"), DateTimeOffset.UtcNow, default);
        Assert.Equal(DeliveryResult.Refused, outcome.Result);
        Assert.Contains("HTTP 401", outcome.LastError);
        var line = (await receiver.WaitForLinesAsync(1)).Single();
        Assert.False(line.GetProperty("verified").GetBoolean());
        Assert.Equal("rejected", log.Snapshot().Single().Outcome);
    }

    [Fact]
    public async Task A_receiver_answering_500_forever_is_retried_with_backoff_then_left_for_later_then_expired()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "fail");
        var (agent, log, http) = Agent(receiver.TrustingHandler(), quick: 3, maxAge: TimeSpan.FromMinutes(10));
        using var _ = http;
        var target = new WebhookTarget("default", receiver.Url, WebhookSecret.Parse(Secret).Value, TimeSpan.FromSeconds(20));
        var message = new WebhookMessage("msg_500", "{}");
        var first = await agent.DeliverAsync(target, message, DateTimeOffset.UtcNow, default);
        Assert.Equal(DeliveryResult.RetryLater, first.Result);
        Assert.Equal(3, first.Attempts);
        Assert.Contains("HTTP 500", first.LastError);
        // The next call (the outbox retrying later) keeps counting; once older than the age limit it is expired.
        var expired = await agent.DeliverAsync(target, message, DateTimeOffset.UtcNow.AddHours(-1), default);
        Assert.Equal(DeliveryResult.Expired, expired.Result);
        Assert.Equal(6, expired.Attempts);
        Assert.Equal(Enumerable.Range(1, 6), log.Snapshot().Select(a => a.Attempt));
        Assert.All(log.Snapshot(), a => Assert.Equal("unavailable", a.Outcome));
        Assert.Equal(6, (await receiver.WaitForLinesAsync(6)).Count);
    }

    [Fact]
    public async Task Unreachable_and_silent_receivers_give_clear_errors_within_the_timeout()
    {
        var (agent, _, http) = Agent(new SocketsHttpHandler(), quick: 1);
        using var __ = http;
        var closed = new WebhookTarget("closed", new Uri($"https://127.0.0.1:{FreePort.Tcp()}/"), WebhookSecret.Parse(Secret).Value, TimeSpan.FromSeconds(20));
        var refused = await agent.DeliverAsync(closed, new WebhookMessage("m1", "{}"), DateTimeOffset.UtcNow, default);
        Assert.Equal(DeliveryResult.RetryLater, refused.Result);
        Assert.StartsWith("transport: closed:", refused.LastError);

        // Accepts the TCP connection and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var acceptLoop = Task.Run(async () => { try { while (true) accepted.Add(await silent.AcceptTcpClientAsync()); } catch (Exception) { } });
        var hung = new WebhookTarget("hung", new Uri($"https://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/"), WebhookSecret.Parse(Secret).Value, TimeSpan.FromSeconds(1));
        var timedOut = await agent.DeliverAsync(hung, new WebhookMessage("m2", "{}"), DateTimeOffset.UtcNow, default);
        Assert.Equal(DeliveryResult.RetryLater, timedOut.Result);
        Assert.StartsWith("timeout: hung: no answer within 1 s", timedOut.LastError);
        silent.Stop();
        foreach (var c in accepted) c.Dispose();
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("abc", "does not start with whsec_")]
    [InlineData("whsec_!!!!", "not base64")]
    [InlineData("whsec_AAAA", "holds 3 bytes")]
    public void Bad_secrets_are_refused_with_a_reason(string? text, string fragment)
    {
        var result = WebhookSecret.Parse(text);
        Assert.False(result.IsOk);
        Assert.Contains(fragment, result.Failure!.Message);
    }

    [Fact]
    public void An_oversized_secret_is_refused() =>
        Assert.Equal("too-large", WebhookSecret.Parse("whsec_" + new string('A', 400)).Failure!.Code);

    [Fact]
    public void Target_configuration_errors_name_every_bad_field()
    {
        using var doc = JsonDocument.Parse("""
            [ { "name": "a", "url": "https://x.example/h", "secret": "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
              { "name": "a", "url": "ftp://x", "secret": "nope", "timeoutSeconds": 0 }, 7 ]
            """);
        var result = WebhookTargets.Parse(doc.RootElement);
        Assert.False(result.IsOk);
        foreach (var fragment in new[] { "targets[1].name", "targets[1].url", "targets[1].secret", "targets[1].timeoutSeconds", "targets[2]: expected an object" })
            Assert.Contains(fragment, result.Failure!.Message);
    }

    [Fact]
    public void The_protocol_library_references_no_host_and_no_other_plugin()
    {
        var references = typeof(WebhookClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.Host") || r.StartsWith("Appliance.Core") || (r.StartsWith("Appliance.Plugins.") && !r.StartsWith("Appliance.Plugins.Webhooks")));
    }
}
