using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Plugins.Recording.ObjectStorage;
using Appliance.Plugins.Recording.Plugin.Index;
using Appliance.Plugins.Recording.Plugin.Recorder;
using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Recording.Protocol.Mp4;
using Appliance.Plugins.Recording.Protocol.Storage;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Plugin.Clips;

/// <summary>
/// Clip jobs: a validated range becomes a queued job (kept in the index, so a restart resumes it), one worker cuts
/// jobs in order with <see cref="ClipCutter"/> into <c>{DataDirectory}/clips/{id}.ts</c> and writes
/// <c>{id}.json</c> next to it (camera, range, figures, SHA-256): the seam an exporter (object storage) consumes.
/// Finished clips are kept within <c>clipBudgetMegabytes</c> (<see cref="ClipBudgetPlan"/>).
/// </summary>
internal sealed class ClipService(SegmentStore store, TimeProvider time, IPluginLogger log, ClipExport? export = null, ClipDownscaler? downscaler = null,
    int downscaleKbps = 4000, long clipBudgetBytes = 0)
{
    /// <summary>The clip export, when an export destination is configured.</summary>
    public ClipExport? Export => export;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim _remux = new(1, 1);

    public string Folder { get; } = Path.Combine(Path.GetDirectoryName(store.Root)!, "clips");

    /// <summary>Queues a job for <paramref name="range"/>; fails with <c>not-recorded</c> when nothing is recorded in it.</summary>
    public Result<ClipRow> Create(ClipRange range, bool exportIt = false, bool downscale = false)
    {
        if (Refused(exportIt, downscale) is { } refused) return refused;
        var fromUs = ToUs(range.From);
        var toUs = ToUs(range.To);
        if (store.Index.Segments(range.Camera, fromUs, toUs).Count == 0)
            return new Failure("not-recorded", $"camera '{range.Camera}' has no recording between {range.From:O} and {range.To:O}");
        return Queue(new ClipRow(Guid.NewGuid().ToString("N")[..16], range.Camera, fromUs, toUs, ClipStates.Queued, 0, null, null, 0, 0, 0, ToUs(time.GetUtcNow())),
            exportIt, downscale);
    }

    /// <summary>
    /// Queues the job of a rule action under <paramref name="id"/>, or returns the job already made under it (a repeated
    /// delivery). Its end may lie ahead: the job waits until <see cref="SettleTime"/> after it. Failures: <c>no-export</c>,
    /// <c>no-downscale</c>.
    /// </summary>
    public Result<ClipRow> CreateForAction(string id, ClipRange range, bool exportIt, bool downscale = false)
    {
        if (store.Index.Clip(id) is { } existing) return existing;
        if (Refused(exportIt, downscale) is { } refused) return refused;
        return Queue(new ClipRow(id, range.Camera, ToUs(range.From), ToUs(range.To), ClipStates.Queued, 0, null, null, 0, 0, 0, ToUs(time.GetUtcNow())),
            exportIt, downscale);
    }

    private Failure? Refused(bool exportIt, bool downscale) =>
        exportIt && export is null ? new Failure("no-export", "no export destination is configured (exportHost)")
        : downscale && downscaler is null ? new Failure("no-downscale", "downscaling needs the media plugin's transcoder (not available here)")
        : null;

    /// <summary>Saves and queues a new job with its markers. A clip that will be exported (asked, or <c>exportAll</c>)
    /// is also downscaled when the export says so (<c>exportDownscale</c>: the site does not keep 4MP in the cloud).</summary>
    private ClipRow Queue(ClipRow clip, bool exportIt, bool downscale)
    {
        var exported = exportIt || export is { ExportAll: true };
        downscale = downscale || (exported && export is { Downscale: true } && downscaler is not null);
        if (exportIt || downscale) Directory.CreateDirectory(Folder);
        if (exportIt) File.WriteAllText(ExportMarker(clip.Id), "");
        if (downscale) File.WriteAllText(DownscaleMarker(clip.Id), "");
        store.Index.SaveClip(clip);
        _queue.Writer.TryWrite(clip.Id);
        return clip;
    }

    /// <summary>How long after a clip's end the cut waits, so the frames up to the end have arrived and are on disk.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>Queues again the jobs a stop or crash interrupted.</summary>
    public void Resume()
    {
        foreach (var clip in store.Index.Clips().Where(c => c.State is ClipStates.Queued or ClipStates.Cutting).OrderBy(c => c.CreatedUs))
            _queue.Writer.TryWrite(clip.Id);
    }

    /// <summary>Deletes a finished job and its files: <c>not-found</c>, or <c>busy</c> while it is queued or being cut.</summary>
    public Result<bool> Delete(string id)
    {
        if (store.Index.Clip(id) is not { } clip) return new Failure("not-found", $"no clip '{id}'");
        if (clip.State is ClipStates.Queued or ClipStates.Cutting) return new Failure("busy", $"clip '{id}' is {clip.State}; delete it when it is done");
        foreach (var file in new[] { FilePath(id), MetadataPath(id), FilePath(id) + ".part", ExportMarker(id), DownscaleMarker(id), PlayablePath(id), PlayablePath(id) + ".part" })
            if (File.Exists(file)) File.Delete(file);
        store.Index.DeleteClip(id);
        return true;
    }

    public string FilePath(string id) => Path.Combine(Folder, $"{id}.ts");

    public string MetadataPath(string id) => Path.Combine(Folder, $"{id}.json");

    /// <summary>The clip rewrapped as MP4 for browsers (written on first request).</summary>
    public string PlayablePath(string id) => Path.Combine(Folder, $"{id}.mp4");

    /// <summary>
    /// The clip as MP4 for a browser's <c>&lt;video&gt;</c>: written from the MPEG-TS clip on the first request (no
    /// re-encoding; one remux at a time), then served from disk. Failures: <c>not-found</c>, <c>not-ready</c> (still
    /// being cut, or failed), and the remuxer's <c>unsupported</c> (H.265), <c>malformed</c>, <c>io</c>.
    /// </summary>
    public async Task<Result<string>> PlayableAsync(string id, CancellationToken cancellationToken)
    {
        if (store.Index.Clip(id) is not { } clip) return new Failure("not-found", $"no clip '{id}'");
        if (clip.State != ClipStates.Done) return new Failure("not-ready", $"the clip is {clip.State}{(clip.Error is null ? "" : $": {clip.Error}")}");
        var mp4 = PlayablePath(id);
        await _remux.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(mp4)) return mp4;
            var part = mp4 + ".part";
            Result<Mp4Summary> summary;
            try
            {
                await using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024))
                {
                    summary = Mp4Remuxer.Remux(() => File.OpenRead(FilePath(id)), output, cancellationToken);
                    if (summary.IsOk) output.Flush(true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                summary = new Failure("io", e.Message);
            }
            if (!summary.IsOk)
            {
                TryDelete(part);
                log.Warn("clip {Id} not rewrapped as MP4: {Error}", id, summary.Failure);
                return summary.Failure!;
            }
            File.Move(part, mp4, overwrite: true);
            log.Info("clip {Id} rewrapped as MP4: {Frames} frames, {Width}x{Height}, {Bytes} bytes", id, summary.Value.Frames, summary.Value.Width, summary.Value.Height, summary.Value.Bytes);
            return mp4;
        }
        finally
        {
            _remux.Release();
        }
    }

    private string ExportMarker(string id) => Path.Combine(Folder, $"{id}.export");

    /// <summary>Marks a job to be downscaled to 2MP after the cut (kept across restarts like the export marker).</summary>
    private string DownscaleMarker(string id) => Path.Combine(Folder, $"{id}.2mp");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        await foreach (var id in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (store.Index.Clip(id) is not { State: ClipStates.Queued or ClipStates.Cutting } clip) continue;
            var wait = FromUs(clip.ToUs) + SettleTime - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                // A rule's clip whose post-event time is still to come: queued again once it has passed.
                _ = QueueLaterAsync(id, wait, cancellationToken);
                continue;
            }
            ClipRow done;
            try
            {
                done = await CutAsync(clip, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The clip folder refused the output (full disk, permissions): this job fails, the worker goes on.
                TryDelete(FilePath(clip.Id) + ".part");
                done = clip with { State = ClipStates.Failed, Error = $"io: {e.Message}", Progress = 1 };
            }
            done = WithinBudget(done);
            store.Index.SaveClip(done);
            if (done.State == ClipStates.Failed) log.Warn("clip {Id} of {Camera} failed: {Error}", clip.Id, clip.Camera, done.Error);
            QueueExport(done);
        }
    }

    private async Task<ClipRow> CutAsync(ClipRow clip, CancellationToken cancellationToken)
    {
        store.Index.SaveClip(clip with { State = ClipStates.Cutting, Progress = 0 });
        var pieces = store.Index.Segments(clip.Camera, clip.FromUs, clip.ToUs)
            .Select(s => new ClipPiece(store.FullPath(s.Path),
                clip.FromUs > s.StartUs ? s.FirstPts + (clip.FromUs - s.StartUs) * 9 / 100 : null,
                clip.ToUs < s.EndUs ? s.FirstPts + (clip.ToUs - s.StartUs) * 9 / 100 : null))
            .ToList();
        var part = FilePath(clip.Id) + ".part";
        var downscale = File.Exists(DownscaleMarker(clip.Id)) && downscaler is not null;
        var share = downscale ? 0.5 : 1.0; // of the progress: the cut, then the downscale
        Result<ClipSummary> summary;
        await using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024, useAsync: true))
        {
            summary = await ClipCutter.CutAsync(pieces, output,
                p => store.Index.SaveClip(clip with { State = ClipStates.Cutting, Progress = Math.Round(p * share, 3) }), cancellationToken).ConfigureAwait(false);
            if (summary.IsOk) output.Flush(true);
        }
        if (!summary.IsOk)
        {
            File.Delete(part);
            return clip with { State = ClipStates.Failed, Error = summary.Failure!.ToString(), Progress = 1 };
        }
        File.Move(part, FilePath(clip.Id), overwrite: true);
        var s = summary.Value;
        string? note = null;
        if (downscale)
        {
            var downscaled = await DownscaleAsync(clip, s, cancellationToken).ConfigureAwait(false);
            if (downscaled.IsOk) s = downscaled.Value;
            else note = $"kept at full size: {downscaled.Failure}";
            TryDelete(DownscaleMarker(clip.Id));
        }
        string sha256;
        await using (var file = File.OpenRead(FilePath(clip.Id)))
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        var done = clip with { State = ClipStates.Done, Progress = 1, Path = Path.GetFileName(FilePath(clip.Id)), Bytes = s.Bytes, Frames = s.Frames, Seconds = s.Seconds, Error = note };
        await File.WriteAllTextAsync(MetadataPath(clip.Id), JsonSerializer.Serialize(new
        {
            id = clip.Id,
            camera = clip.Camera,
            from = FromUs(clip.FromUs),
            to = FromUs(clip.ToUs),
            file = Path.GetFileName(FilePath(clip.Id)),
            contentType = "video/mp2t",
            bytes = s.Bytes,
            frames = s.Frames,
            seconds = s.Seconds,
            sha256,
        }), cancellationToken).ConfigureAwait(false);
        return done;
    }

    /// <summary>
    /// Makes room for a clip just cut: the oldest finished clips (their MPEG-TS and MP4 files) are deleted until every
    /// clip fits the budget; a clip whose upload is still owed is kept. A clip larger than the whole budget, or one that
    /// does not fit beside the owed uploads, fails with <c>over-budget</c> and its files go (nothing else is deleted).
    /// </summary>
    private ClipRow WithinBudget(ClipRow done)
    {
        if (clipBudgetBytes <= 0 || done.State != ClipStates.Done) return done;
        var others = store.Index.Clips().Where(c => c.State == ClipStates.Done && c.Id != done.Id)
            .Select(c => new StoredClip(c.Id, c.CreatedUs, FilesBytes(c.Id), export?.Upload(c.Camera, c.Id) is { State: UploadState.Queued or UploadState.Uploading }))
            .ToList();
        var plan = ClipBudgetPlan.Decide(others, new StoredClip(done.Id, done.CreatedUs, FilesBytes(done.Id)), clipBudgetBytes);
        if (!plan.IsOk)
        {
            foreach (var file in new[] { FilePath(done.Id), MetadataPath(done.Id), PlayablePath(done.Id) }) TryDelete(file);
            return done with { State = ClipStates.Failed, Path = null, Bytes = 0, Error = plan.Failure!.ToString() };
        }
        foreach (var old in plan.Value)
        {
            var deleted = Delete(old.Id);
            if (deleted.IsOk) log.Info("clip {Id} deleted for the clip budget ({Bytes} bytes) to make room for {New}", old.Id, old.Bytes, done.Id);
            else log.Warn("clip {Id} not deleted for the clip budget: {Error}", old.Id, deleted.Failure);
        }
        return done;
    }

    private long FilesBytes(string id) =>
        new[] { FilePath(id), PlayablePath(id) }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);

    private async Task QueueLaterAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            _queue.Writer.TryWrite(id);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the job stays queued in the index and Resume queues it at the next start.
        }
    }

    /// <summary>
    /// Replaces the cut clip by its 2MP re-encoding (<see cref="ClipDownscaler"/>) when its picture is larger; a
    /// picture already within 1920x1080 is kept as it is (Ok with the cut's figures).
    /// </summary>
    private async Task<Result<ClipSummary>> DownscaleAsync(ClipRow clip, ClipSummary cut, CancellationToken cancellationToken)
    {
        Result<ClipPicture> picture;
        await using (var file = File.OpenRead(FilePath(clip.Id)))
            picture = ClipPicture.Read(file);
        if (!picture.IsOk) return picture.Failure!;
        if (!ClipDownscaler.Needed(picture.Value))
        {
            log.Info("clip {Id}: {Width}x{Height} is within 2MP, kept as it is", clip.Id, picture.Value.Width, picture.Value.Height);
            return cut;
        }
        var part = FilePath(clip.Id) + ".2mp.part";
        var result = await downscaler!.DownscaleAsync(clip.Id, picture.Value, FilePath(clip.Id), part, downscaleKbps, cut.Frames,
            p => store.Index.SaveClip(clip with { State = ClipStates.Cutting, Progress = Math.Round(0.5 + p / 2, 3) }), cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            TryDelete(part);
            log.Warn("clip {Id} not downscaled: {Error}", clip.Id, result.Failure);
            return result;
        }
        File.Move(part, FilePath(clip.Id), overwrite: true);
        log.Info("clip {Id} downscaled from {Width}x{Height}: {Frames} frames, {Bytes} bytes", clip.Id, picture.Value.Width, picture.Value.Height, result.Value.Frames, result.Value.Bytes);
        return result;
    }

    /// <summary>Hands a cut clip asked for export (or every clip with exportAll) to the export queue, then drops its marker.</summary>
    private void QueueExport(ClipRow clip)
    {
        var marker = ExportMarker(clip.Id);
        if (export is null || (!File.Exists(marker) && !export.ExportAll)) return;
        if (clip.State == ClipStates.Done)
        {
            var queued = export.Enqueue(clip.Camera, clip.Id, FilePath(clip.Id));
            if (!queued.IsOk)
            {
                log.Warn("clip {Id} not queued for export: {Error}", clip.Id, queued.Failure);
                return;
            }
        }
        TryDelete(marker);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    public static long ToUs(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / 10;

    public static DateTimeOffset FromUs(long us) => DateTimeOffset.UnixEpoch.AddTicks(us * 10);
}
