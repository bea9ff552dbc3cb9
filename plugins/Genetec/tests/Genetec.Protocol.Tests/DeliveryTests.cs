using Appliance.Abstractions;
using Appliance.Plugins.Genetec.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>Actions held back while a server is down or failing are delivered when it returns, or expire past the age limit; none is dropped.</summary>
public sealed class DeliveryTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private WebSdkClient Client(int port) => new(new WebSdkEndpoint("127.0.0.1", port), WebSdkCredentials.Create("u", "app", "p").Value,
        CertificatePin.Parse(certificates.ServerSha256).Value, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task A_server_down_for_a_while_gets_every_action_afterwards_in_order()
    {
        var port = WebSdkRequestTests.FreePort();
        var delivery = new DeliveryAttempts(TimeProvider.System, quickAttempts: 2, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        using var client = Client(port);
        var actions = Enumerable.Range(1, 5).Select(i => new RaiseCustomEvent(5000 + i)).ToList();
        foreach (var a in actions)
        {
            var outcome = await delivery.RunAsync($"k{a.CustomEventId}", DateTimeOffset.UtcNow, ct => client.SendAsync(a, ct), default);
            Assert.Equal(DeliveryResult.RetryLater, outcome.Result);
            Assert.Equal("transport", outcome.LastFailure!.Code);
        }
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, """{"Rsp":{"Status":"Ok"}}"""), port);
        foreach (var a in actions)
        {
            var outcome = await delivery.RunAsync($"k{a.CustomEventId}", DateTimeOffset.UtcNow, ct => client.SendAsync(a, ct), default);
            Assert.Equal(DeliveryResult.Delivered, outcome.Result);
            Assert.Equal(3, outcome.Attempts);
        }
        Assert.Equal(actions.Select(a => $"RaiseCustomEvent(CustomEventId({a.CustomEventId}))"), (await server.WaitForAsync(5)).Select(r => r.Q));
    }

    [Fact]
    public async Task A_server_answering_500_forever_holds_the_action_then_expires_it_with_the_last_error()
    {
        var calls = 0;
        await using var server = new FakeWebSdkServer(certificates.Server, _ => { Interlocked.Increment(ref calls); return new FakeAnswer(500, "busy"); });
        using var client = Client(server.Port);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var delivery = new DeliveryAttempts(clock, quickAttempts: 1, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        var created = clock.GetUtcNow();
        var first = await delivery.RunAsync("a", created, ct => client.SendAsync(new RaiseCustomEvent(1), ct), default);
        Assert.Equal(DeliveryResult.RetryLater, first.Result);
        clock.Now = created.AddMinutes(6);
        var last = await delivery.RunAsync("a", created, ct => client.SendAsync(new RaiseCustomEvent(1), ct), default);
        Assert.Equal(DeliveryResult.Expired, last.Result);
        Assert.Equal(2, last.Attempts);
        Assert.Equal("server-error", last.LastFailure!.Code);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Quick_attempts_pause_between_tries_and_stop_at_the_first_success()
    {
        var results = new Queue<Result<string>>([Result<string>.Fail("transport", "x"), Result<string>.Fail("timeout", "y"), "Ok"]);
        var delivery = new DeliveryAttempts(TimeProvider.System, quickAttempts: 5, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        var outcome = await delivery.RunAsync("b", DateTimeOffset.UtcNow, _ => Task.FromResult(results.Dequeue()), default);
        Assert.Equal(DeliveryResult.Delivered, outcome.Result);
        Assert.Equal(3, outcome.Attempts);
        Assert.Empty(results);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
