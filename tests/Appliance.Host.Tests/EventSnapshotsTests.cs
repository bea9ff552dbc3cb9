using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Plugins;
using Appliance.Host.Rules;

namespace Appliance.Host.Tests;

/// <summary>
/// Which kept JPEG belongs to an event (issue 20 item 4): its own <c>snapshotId</c>, else the media plugin's
/// <c>event-{id:N}-{camera}</c> (camera ids made safe the same way); hostile ids and files that are gone give none.
/// </summary>
public sealed class EventSnapshotsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("appl-event-snapshots-").FullName;
    private readonly EventSnapshots _snapshots;

    public EventSnapshotsTests() => _snapshots = new EventSnapshots(new PluginFolders(_data));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string Keep(string id, int bytes)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_data, "plugin-data", EventSnapshots.MediaPluginId, "snapshots")).FullName;
        var path = Path.Combine(folder, id + ".jpg");
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    private static EventEnvelope Event(object data) =>
        new(1, Guid.NewGuid(), "CameraEventReceived", EventCategory.Camera, "test", DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(data));

    [Fact]
    public void An_event_kept_under_its_id_for_its_camera_is_found_with_the_camera_id_made_safe()
    {
        var envelope = Event(new { cameraId = "lobby/2 east" });
        Assert.Null(_snapshots.PathOf(envelope));
        Assert.Null(_snapshots.ThumbnailOf(envelope)); // not written (yet): no reference
        var path = Keep($"event-{envelope.Id:N}-lobby_2_east", 1234);
        Assert.Equal(path, _snapshots.PathOf(envelope));
        Assert.Equal(new EventThumbnail($"event-{envelope.Id:N}-lobby_2_east", 1234, null, null), _snapshots.ThumbnailOf(envelope));
    }

    [Fact]
    public void A_named_snapshot_wins_and_a_gone_or_hostile_one_is_explained_not_followed()
    {
        Keep("event-motion-dock-1", 10);
        var named = Event(new { cameraId = "dock", snapshotId = "event-motion-dock-1" });
        Assert.EndsWith("event-motion-dock-1.jpg", _snapshots.PathOf(named));
        Assert.Equal(10, _snapshots.ThumbnailOf(named)!.Bytes);

        var gone = Event(new { cameraId = "dock", snapshotId = "event-motion-dock-2" });
        Keep($"event-{gone.Id:N}-dock", 10); // a named id that is gone does not fall back to another image
        Assert.Null(_snapshots.PathOf(gone));
        Assert.Equal("missing", _snapshots.ThumbnailOf(gone)!.Omitted);

        foreach (var hostile in new[] { "../../etc/passwd", "event-../../x", "other-dock", "reference-../x", "event-" + new string('a', 151), "" })
        {
            var envelope = Event(new { snapshotId = hostile });
            Assert.Null(_snapshots.PathOf(envelope));
            Assert.Equal(new EventThumbnail(null, null, "malformed", "the event's snapshotId is not one of the media plugin's ids"), _snapshots.ThumbnailOf(envelope));
        }
    }

    [Fact]
    public void A_reference_image_event_names_its_image_for_the_cloud_and_the_rules()
    {
        var path = Keep("reference-dock-20261202T0000-night", 77);
        var taken = Event(new { cameraId = "dock", snapshotId = "reference-dock-20261202T0000-night", label = "night" });
        Assert.Equal(path, _snapshots.PathOf(taken));
        Assert.Equal(new EventThumbnail("reference-dock-20261202T0000-night", 77, null, null), _snapshots.ThumbnailOf(taken));
        Assert.False(_snapshots.MayBeKeptUnderItsId(taken)); // it names its own image: nothing to wait for
    }

    [Fact]
    public void Events_without_an_image_or_with_odd_data_have_none()
    {
        Assert.Null(_snapshots.ThumbnailOf(Event(new { input = "io1/in1" })));
        Assert.Null(_snapshots.ThumbnailOf(Event(new { cameraId = 7, snapshotId = 8 })));
        Assert.Null(_snapshots.ThumbnailOf(Event(new[] { 1, 2 })));
        Assert.Null(_snapshots.PathOf(Event(new { cameraId = new string('c', 200) })));
    }
}
