using Appliance.Plugins.Media.Plugin.Snapshots;
using Appliance.Plugins.Media.Protocol.Snapshots;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>The snapshot folder on disk keeps event snapshots and reference images within their own budgets.</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-media-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Many_alarms_leave_the_reference_images_and_old_references_go_first()
    {
        var store = new SnapshotStore(_folder, new SnapshotBudgets(EventBytes: 3000, ReferenceBytes: 2500));
        var taken = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        void Save(string id, int bytes)
        {
            Assert.True(store.Save(id, new byte[bytes]).IsOk);
            // The store orders by the file's write time: give each file its own, one minute apart.
            File.SetLastWriteTimeUtc(Path.Combine(_folder, id + ".jpg"), taken);
            taken = taken.AddMinutes(1);
        }

        Save("reference-dock-20261201T0000-night", 1000);
        Save("reference-dock-20261201T1200-day", 1000);
        for (var i = 0; i < 20; i++) Save($"event-motion-dock-{i:D2}", 1000);
        Assert.Equal(2000, store.BytesOf(SnapshotKind.Reference));
        Assert.Equal(3000, store.BytesOf(SnapshotKind.Event));
        Assert.Equal(["event-motion-dock-17", "event-motion-dock-18", "event-motion-dock-19"],
            store.List().Where(s => s.Kind == SnapshotKind.Event).Select(s => s.Id).Order());

        // A third reference is over the reference budget: the oldest reference goes, no event does.
        Save("reference-dock-20261202T0000-night", 1000);
        Assert.Equal(["reference-dock-20261201T1200-day", "reference-dock-20261202T0000-night"],
            store.List().Where(s => s.Kind == SnapshotKind.Reference).Select(s => s.Id).Order());
        Assert.Equal(3000, store.BytesOf(SnapshotKind.Event));
    }
}
