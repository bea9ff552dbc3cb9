using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using Appliance.Host.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Host.Tests;

/// <summary>The event log's query: camera, type, time range and hidden types combined, paged by sequence both ways.</summary>
public sealed class EventLogFilterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 29, 0, 30, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("appl-eventlog-").FullName;
    private readonly FakeTimeProvider _clock = new(Start);
    private OutboxEventBus _bus = null!;

    public Task InitializeAsync()
    {
        var db = new Database(Path.Combine(_dir, "a.db"));
        db.Migrate();
        _bus = new OutboxEventBus(db, NullLogger<OutboxEventBus>.Instance, _clock);
        // One event a minute: 1 to 6 on camera gate, alternating motion and health samples; 7 on another camera; 8 without one.
        for (var n = 1; n <= 6; n++)
        {
            Append(n % 2 == 1 ? nameof(MotionDetected) : nameof(StreamHealthMeasured), new { cameraId = "gate", n });
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        Append(nameof(MotionDetected), new { cameraId = "yard", n = 7 });
        _clock.Advance(TimeSpan.FromMinutes(1));
        Append("PortalCheckRaised", new { n = 8 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Camera_AndHiddenTypes_Combine()
    {
        Assert.Equal([5, 3, 1], Numbers(_bus.Find(new EventLogFilter(CameraId: "gate", HiddenTypes: [nameof(StreamHealthMeasured)]), 50)));
        Assert.Equal([7], Numbers(_bus.Find(new EventLogFilter(CameraId: "yard"), 50)));
        Assert.Empty(_bus.Find(new EventLogFilter(CameraId: "gate' OR 1=1 --"), 50));
        Assert.Equal([8, 7, 5, 3, 1], Numbers(_bus.Find(new EventLogFilter(HiddenTypes: [nameof(StreamHealthMeasured)]), 50)));
        Assert.Equal([6, 4, 2], Numbers(_bus.Find(new EventLogFilter(Type: nameof(StreamHealthMeasured)), 50)));
    }

    [Fact]
    public void TimeRange_IncludesItsStart_AndExcludesItsEnd_InAnyOffset()
    {
        // Minutes 2 to 4 after the start, asked in UTC+02:00: events 3 and 4.
        var from = Start.AddMinutes(2).ToOffset(TimeSpan.FromHours(2));
        Assert.Equal([4, 3], Numbers(_bus.Find(new EventLogFilter(From: from, Until: from.AddMinutes(2)), 50)));
        Assert.Equal([2, 1], Numbers(_bus.Find(new EventLogFilter(Until: Start.AddMinutes(2)), 50)));
    }

    [Fact]
    public void Paging_GoesOlderAndNewerBySequence_WithTheFilterKept()
    {
        var filter = new EventLogFilter(HiddenTypes: [nameof(StreamHealthMeasured)]);
        var newest = _bus.Find(filter, 2);
        Assert.Equal([8, 7], Numbers(newest));
        var older = _bus.Find(filter, 2, beforeSeq: newest[^1].Sequence);
        Assert.Equal([5, 3], Numbers(older));
        Assert.Equal([7, 8], Numbers(_bus.Find(filter, 2, afterSeq: older[0].Sequence))); // oldest first when paging forward
    }

    private void Append(string type, object data) =>
        _bus.Append("test", type, EventCategory.Camera, JsonSerializer.SerializeToElement(data));

    private static List<int> Numbers(IEnumerable<EventEnvelope> events) => events.Select(e => e.Data.GetProperty("n").GetInt32()).ToList();
}
