using Appliance.Plugins.Recording.ObjectStorage;

namespace Appliance.Plugins.Recording.ObjectStorage.Tests;

/// <summary>Uploads to a real s3rver on loopback through the real AWSSDK.S3 client; each object downloaded and compared.</summary>
public sealed class UploadTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_small_file_goes_as_one_put_and_the_object_equals_the_file()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        using var exporter = rig.Exporter(queue);
        var file = rig.File("small.mp4", 300_000);
        var item = queue.Enqueue(file, "cam1/small.mp4", S3Rig.PartSize).Value;

        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);

        var done = queue.Find(item.Id)!;
        Assert.Equal(UploadState.Done, done.State);
        Assert.Null(done.UploadId);
        Assert.Single(done.Parts);
        Assert.DoesNotContain("Stored part", rig.Peer.Log(), StringComparison.Ordinal);
        Assert.Equal(S3Rig.Sha256(file), S3Rig.Sha256(await rig.DownloadAsync("cam1/small.mp4")));
        Assert.True(exporter.BytesSent >= 300_000, $"{exporter.BytesSent} bytes counted");
    }

    [Fact]
    public async Task A_large_file_goes_in_parts_each_stored_once_and_the_object_equals_the_file()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        using var exporter = rig.Exporter(queue);
        var file = rig.File("large.mp4", (2 * S3Rig.PartSize) + 12_345);
        var item = queue.Enqueue(file, "cam1/large.mp4", S3Rig.PartSize).Value;
        Assert.Equal(3, item.PartCount);

        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);

        var done = queue.Find(item.Id)!;
        Assert.Equal(UploadState.Done, done.State);
        Assert.NotNull(done.UploadId);
        Assert.Equal([1, 2, 3], done.Parts.Select(p => p.Number).Order());
        Assert.Equal([1, 2, 3], S3Rig.StoredParts(rig.Peer.Log(), done.UploadId!).Order());
        Assert.Equal(S3Rig.Sha256(file), S3Rig.Sha256(await rig.DownloadAsync("cam1/large.mp4")));

        // The journal on disk says the same as memory: a new queue on the directory sees the item done.
        Assert.Equal(UploadState.Done, rig.OpenQueue().Find(item.Id)!.State);
    }

    [Fact]
    public async Task The_link_cut_mid_upload_resumes_the_same_upload_without_resending_acknowledged_parts()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        // 5 MiB parts at 4 MiB/s: a part takes over a second, so the cut falls inside the upload.
        using var exporter = rig.Exporter(queue, rig.Destination(bandwidth: 4L * 1024 * 1024));
        var file = rig.File("cut.mp4", (5 * S3Rig.PartSize) + 777);
        var item = queue.Enqueue(file, "cam2/cut.mp4", S3Rig.PartSize).Value;

        using var cts = new CancellationTokenSource(Limit * 2);
        var run = exporter.RunAsync(cts.Token);
        var before = await Eventually.ValueAsync(
            () => Task.FromResult(queue.Find(item.Id)!), i => i.Parts.Count >= 2, "two parts acknowledged", Limit, () => rig.AllLogs());
        rig.Peer.Kill();
        await Eventually.UntilAsync(
            () => queue.Find(item.Id)!.FailureCode == S3Failures.Transport, "the exporter seeing the cut link", Limit, () => queue.Find(item.Id)!.ToString());
        var atCut = queue.Find(item.Id)!;
        Assert.Equal(UploadState.Uploading, atCut.State);
        Assert.True(atCut.Parts.Count < atCut.PartCount, $"the cut came too late: {atCut}");

        var restarted = await rig.StartPeerAsync();
        var done = await Eventually.ValueAsync(
            () => Task.FromResult(queue.Find(item.Id)!), i => i.State == UploadState.Done, "the upload finished after the restart", Limit, () => rig.AllLogs());
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.Equal(before.UploadId, done.UploadId);
        var resent = S3Rig.StoredParts(restarted.Log(), done.UploadId!);
        Assert.NotEmpty(resent);
        foreach (var part in atCut.Parts)
        {
            Assert.DoesNotContain(part.Number, resent);
        }

        Assert.Equal(Enumerable.Range(1, 6), done.Parts.Select(p => p.Number).Order());
        Assert.Equal(S3Rig.Sha256(file), S3Rig.Sha256(await rig.DownloadAsync("cam2/cut.mp4")));
    }

    [Fact]
    public async Task A_new_exporter_on_the_same_queue_directory_continues_the_upload()
    {
        await using var rig = await S3Rig.StartAsync();
        var file = rig.File("restart.mp4", (4 * S3Rig.PartSize) + 1);
        string id;
        QueueItem before;
        {
            var queue = rig.OpenQueue();
            using var first = rig.Exporter(queue, rig.Destination(bandwidth: 4L * 1024 * 1024));
            id = queue.Enqueue(file, "cam3/restart.mp4", S3Rig.PartSize).Value.Id;
            using var stop = new CancellationTokenSource(Limit);
            var run = first.RunAsync(stop.Token);
            before = await Eventually.ValueAsync(
                () => Task.FromResult(queue.Find(id)!), i => i.Parts.Count >= 2, "two parts acknowledged", Limit, () => rig.AllLogs());
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        var reopened = rig.OpenQueue();
        Assert.Empty(reopened.Problems);
        var journal = reopened.Find(id)!;
        Assert.Equal(before.UploadId, journal.UploadId);
        Assert.True(journal.Parts.Count >= 2 && journal.Parts.Count < journal.PartCount, journal.ToString());
        using (var second = rig.Exporter(reopened))
        {
            using var cts = new CancellationTokenSource(Limit);
            await second.DrainAsync(cts.Token);
        }

        var done = reopened.Find(id)!;
        Assert.Equal(UploadState.Done, done.State);
        Assert.Equal(before.UploadId, done.UploadId);
        var stored = S3Rig.StoredParts(rig.Peer.Log(), done.UploadId!);
        foreach (var part in journal.Parts)
        {
            Assert.Equal(1, stored.Count(n => n == part.Number));
        }

        Assert.Equal(S3Rig.Sha256(file), S3Rig.Sha256(await rig.DownloadAsync("cam3/restart.mp4")));
    }
}
