using Microsoft.Extensions.Time.Testing;
using Appliance.CloudLink;

namespace Appliance.Cloud.Tests;

public sealed class LinkPiecesTests
{
    [Theory]
    [InlineData("mqtt.example.com:8883", "mqtt.example.com", 8883)]
    [InlineData("127.0.0.1:1883", "127.0.0.1", 1883)]
    [InlineData("[::1]:8883", "::1", 8883)]
    public void Broker_addresses_are_read(string text, string host, int port) =>
        Assert.Equal(new BrokerAddress(host, port), BrokerAddress.Parse(text).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mqtt.example.com")]
    [InlineData("mqtt.example.com:")]
    [InlineData(":8883")]
    [InlineData("mqtt.example.com:0")]
    [InlineData("mqtt.example.com:65536")]
    [InlineData("mqtt.example.com:-1")]
    [InlineData("mqtt.example.com:88a")]
    [InlineData("::1:8883")]
    [InlineData("[::1]8883")]
    [InlineData("mqtt example.com:8883")]
    [InlineData("mqtt/x:8883")]
    public void Bad_broker_addresses_are_refused(string? text) =>
        Assert.Equal("malformed", BrokerAddress.Parse(text).Failure!.Code);

    [Fact]
    public void An_overlong_broker_address_is_refused() =>
        Assert.Equal("malformed", BrokerAddress.Parse(new string('a', 300) + ":1").Failure!.Code);

    [Fact]
    public void Backoff_grows_to_its_cap_with_jitter_and_resets()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), new Random(7));
        var waits = Enumerable.Range(0, 12).Select(_ => backoff.Next()).ToList();
        Assert.All(waits, w => Assert.InRange(w.TotalSeconds, 1, 8));
        Assert.True(waits.Skip(4).Any(w => w.TotalSeconds > 4), "later waits reach towards the cap");
        Assert.True(waits.Distinct().Count() > 6, "waits are jittered");
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 1, 1.0001);
    }

    [Fact]
    public void A_request_id_runs_once_until_its_command_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var guard = new ReplayGuard(time);
        Assert.True(guard.TryAdmit("r-1", time.GetUtcNow().AddMinutes(1)));
        Assert.False(guard.TryAdmit("r-1", time.GetUtcNow().AddMinutes(1)));
        Assert.True(guard.TryAdmit("r-2", null));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(guard.TryAdmit("r-1", null));
        Assert.False(guard.TryAdmit("r-2", null), "without an expiry an id is remembered for a day");
    }

    [Fact]
    public void Taken_request_ids_survive_a_restart_until_they_expire()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(Directory.CreateTempSubdirectory("appl-replay-").FullName, "cloud", "request-ids");
        using (var log = new RequestIdLog(path))
        {
            var guard = new ReplayGuard(time, log: log);
            Assert.True(guard.TryAdmit("r-short", time.GetUtcNow().AddMinutes(1)));
            Assert.True(guard.TryAdmit("r-long", null));
            Assert.True(guard.TryAdmit("r-bad\nline", null));
        }
        // A torn last write and hostile lines are skipped, not fatal.
        File.AppendAllText(path, "12x r-torn\n-5 r-negative\n99999999999999999999 r-huge\n" + "1 " + new string('x', 5000) + "\n17648");

        time.Advance(TimeSpan.FromMinutes(2));
        using (var log = new RequestIdLog(path))
        {
            var guard = new ReplayGuard(time, log: log);
            Assert.False(guard.TryAdmit("r-long", null), "taken before the restart, still in force");
            Assert.True(guard.TryAdmit("r-short", null), "expired while the host was down");
            Assert.Equal(2, guard.Count);
        }
        // The file was compacted to the ids in force (and the one taken since).
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_full_replay_guard_stays_bounded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var guard = new ReplayGuard(time, capacity: 100);
        for (var i = 0; i < 1000; i++) Assert.True(guard.TryAdmit($"r-{i}", time.GetUtcNow().AddSeconds(i + 1)));
        Assert.InRange(guard.Count, 1, 100);
        Assert.False(guard.TryAdmit("r-999", null), "the newest ids are kept");
    }

    [Theory]
    [InlineData("dev-1", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("a+", false)]
    [InlineData("#", false)]
    [InlineData("a b", false)]
    [InlineData("a\u0000", false)]
    public void Device_ids_must_be_one_topic_level(string id, bool ok) => Assert.Equal(ok, Topics.IsTopicLevel(id));
}
