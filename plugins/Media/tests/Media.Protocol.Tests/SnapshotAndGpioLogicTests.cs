using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Gpio;
using Appliance.Plugins.Media.Protocol.Snapshots;
using Xunit;

namespace Appliance.Plugins.Media.Protocol.Tests;

public sealed class SnapshotAndGpioLogicTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Retention_deletes_the_oldest_until_the_budget_fits()
    {
        var stored = new[]
        {
            new StoredSnapshot("event-c", SnapshotKind.Event, 400, T0.AddMinutes(2)),
            new StoredSnapshot("event-a", SnapshotKind.Event, 400, T0),
            new StoredSnapshot("reference-b", SnapshotKind.Reference, 400, T0.AddMinutes(1)),
        };
        Assert.Equal(["event-a", "reference-b"], SnapshotRetention.ToDelete(stored, 500).Select(s => s.Id));
        Assert.Empty(SnapshotRetention.ToDelete(stored, 1200));
        Assert.Equal(3, SnapshotRetention.ToDelete(stored, 0).Count);
    }

    [Fact]
    public void Reference_schedule_finds_the_next_time_today_or_tomorrow()
    {
        var schedule = ReferenceSchedule.Parse(["12:00", "00:00"]).Value;
        Assert.Equal(T0.Date.AddHours(12), schedule.NextAfter(T0)!.Value.UtcDateTime);
        Assert.Equal(T0.Date.AddDays(1), schedule.NextAfter(T0.Date.AddHours(12).AddSeconds(1))!.Value.UtcDateTime);
        Assert.Equal("day", ReferenceSchedule.Label(T0.Date.AddHours(12)));
        Assert.Equal("night", ReferenceSchedule.Label(T0.Date));
        Assert.Null(new ReferenceSchedule([]).NextAfter(T0));
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("noon")]
    [InlineData("")]
    public void Bad_reference_times_are_refused(string text)
    {
        var schedule = ReferenceSchedule.Parse([text]);
        Assert.False(schedule.IsOk);
        Assert.Equal("invalid-time", schedule.Failure!.Code);
    }

    [Fact]
    public void Debounce_ignores_bounces_shorter_than_the_window()
    {
        var d = new InputDebouncer(TimeSpan.FromMilliseconds(50), activeLow: false, initialRawHigh: false);
        d.Raw(true, T0);
        d.Raw(false, T0.AddMilliseconds(10));
        d.Raw(true, T0.AddMilliseconds(20));
        Assert.Null(d.Settle(T0.AddMilliseconds(60))); // only 40 ms since the last edge
        Assert.Equal(true, d.Settle(T0.AddMilliseconds(70)));
        Assert.True(d.Active);
        d.Raw(false, T0.AddMilliseconds(100));
        d.Raw(true, T0.AddMilliseconds(110)); // back to the stable level: nothing pending
        Assert.Null(d.DueAt);
        Assert.Null(d.Settle(T0.AddMilliseconds(500)));
    }

    [Fact]
    public void Active_low_inputs_are_inverted()
    {
        var d = new InputDebouncer(TimeSpan.Zero, activeLow: true, initialRawHigh: true);
        Assert.False(d.Active);
        d.Raw(false, T0);
        Assert.Equal(true, d.Settle(T0));
    }

    [Fact]
    public void AnnexB_split_at_delimiters_never_throws_on_garbage()
    {
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            var units = AnnexB.SplitAtDelimiters(bytes, i % 2 == 0 ? VideoFormat.H264 : VideoFormat.H265);
            Assert.Equal(bytes.Length, units.Sum(u => u.Length));
        }
    }
}
