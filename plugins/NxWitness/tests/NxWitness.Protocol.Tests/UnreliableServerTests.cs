using Appliance.Plugins.NxWitness.Protocol;
using Appliance.Plugins.Shared;
using Appliance.Testing;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>Unreachable servers, servers that never answer or answer 500 forever, outages, expiry: clear errors, bounded time, no lost event.</summary>
public sealed class UnreliableServerTests
{
    private static NxServer Server(int port, double timeoutSeconds = 10) => new("127.0.0.1", port, "admin", "pw", TimeSpan.FromSeconds(timeoutSeconds));

    private static GenericEvent Event(string caption = "c") => new("s", caption, "d", DateTimeOffset.UtcNow, []);

    [Fact]
    public async Task A_closed_port_is_a_transport_error()
    {
        using var closed = new ClosedPort();
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(closed.Port), Event(), default);
        Assert.Equal("transport", sent.Failure!.Code);
        Assert.Contains("ConnectionRefused", sent.Failure.Message);
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_times_out_within_the_bound()
    {
        await using var silent = new FakeNxServer(_ => null);
        using var http = new NxHttp();
        var started = DateTime.UtcNow;
        var sent = await new NxClient(http).CreateEventAsync(Server(silent.Port, 1), Event(), default);
        Assert.Equal("timeout", sent.Failure!.Code);
        Assert.Contains("within 1 s", sent.Failure.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_server_answering_500_forever_is_retried_later_then_expired_never_dropped()
    {
        await using var broken = new FakeNxServer(_ => new FakeResponse(500, "<html>Internal error</html>"));
        using var http = new NxHttp();
        var client = new NxClient(http);
        var attempts = new DeliveryAttempts(TimeProvider.System, quickAttempts: 3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMinutes(5));
        var first = await attempts.RunAsync("m", DateTimeOffset.UtcNow, ct => client.CreateEventAsync(Server(broken.Port), Event(), ct), default);
        Assert.Equal(DeliveryResult.RetryLater, first.Result);
        Assert.Equal(3, first.Attempts);
        Assert.Equal("server-error", first.LastFailure!.Code);
        Assert.Contains("HTTP 500 \"<html>Internal error</html>\"", first.LastFailure.Message);
        var old = await attempts.RunAsync("m", DateTimeOffset.UtcNow.AddMinutes(-10), ct => client.CreateEventAsync(Server(broken.Port), Event(), ct), default);
        Assert.Equal(DeliveryResult.Expired, old.Result);
        Assert.Equal(6, old.Attempts);
        Assert.Equal(6, broken.Received.Count);
    }

    [Fact]
    public async Task Auth_failures_are_not_hammered_the_run_stops_at_the_first()
    {
        await using var refusing = new FakeNxServer(_ => new FakeResponse(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"VMS\"" }));
        using var http = new NxHttp();
        var attempts = new DeliveryAttempts(TimeProvider.System, quickAttempts: 5, TimeSpan.FromMilliseconds(5), TimeSpan.FromHours(1)) { EndsRun = NxClient.NotWorthRepeatingNow };
        var outcome = await attempts.RunAsync("m", DateTimeOffset.UtcNow, ct => new NxClient(http).CreateEventAsync(Server(refusing.Port), Event(), ct), default);
        Assert.Equal(DeliveryResult.RetryLater, outcome.Result);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("auth", outcome.LastFailure!.Code);
    }

    [Fact]
    public async Task A_server_down_for_a_while_gets_every_event_afterwards_in_order()
    {
        var port = FreePort.Tcp();
        using var http = new NxHttp();
        var client = new NxClient(http);
        var attempts = new DeliveryAttempts(TimeProvider.System, quickAttempts: 2, TimeSpan.FromMilliseconds(5), TimeSpan.FromHours(1));
        var events = Enumerable.Range(0, 5).Select(i => Event($"event {i}")).ToList();
        foreach (var (e, i) in events.Select((e, i) => (e, i)))
        {
            var outcome = await attempts.RunAsync($"m{i}", DateTimeOffset.UtcNow, ct => client.CreateEventAsync(Server(port), e, ct), default);
            Assert.Equal(DeliveryResult.RetryLater, outcome.Result);
            Assert.Equal("transport", outcome.LastFailure!.Code);
        }
        await using var server = new FakeNxServer(_ => FakeResponse.Ok(), port);
        foreach (var (e, i) in events.Select((e, i) => (e, i)))
        {
            var outcome = await attempts.RunAsync($"m{i}", DateTimeOffset.UtcNow, ct => client.CreateEventAsync(Server(port), e, ct), default);
            Assert.Equal(DeliveryResult.Delivered, outcome.Result);
            Assert.Equal(3, outcome.Attempts);
        }
        Assert.Equal(events.Select(e => e.Caption), server.Received.Select(r => NxDocumentation.ValidateCreateEvent(r)["caption"]));
    }

    [Fact]
    public async Task Other_statuses_oversized_and_non_json_answers_are_named()
    {
        var huge = new string('x', NxHttp.MaxAnswerBytes + 1);
        await using var server = new FakeNxServer(r => r.Param("caption") switch
        {
            "404" => new FakeResponse(404, "no such method"),
            "huge" => new FakeResponse(200, huge),
            "html" => new FakeResponse(200, "<html>login</html>"),
            _ => FakeResponse.Ok(),
        });
        using var http = new NxHttp();
        var client = new NxClient(http);
        async Task<Appliance.Abstractions.Failure> Fail(string caption) => (await client.CreateEventAsync(Server(server.Port), Event(caption), default)).Failure!;
        Assert.Equal("rejected", (await Fail("404")).Code);
        Assert.Contains("HTTP 404", (await Fail("404")).Message);
        Assert.Equal("bad-reply", (await Fail("huge")).Code);
        Assert.Contains("larger than", (await Fail("huge")).Message);
        Assert.Equal("bad-reply", (await Fail("html")).Code);
    }
}
