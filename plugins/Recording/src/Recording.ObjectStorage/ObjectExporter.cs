using Amazon.S3;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>How often and how patiently the exporter tries an item again after a failure worth retrying.</summary>
public sealed record RetryPolicy
{
    /// <summary>Failed attempts after which an item is given up (state <see cref="UploadState.Failed"/>).</summary>
    public int MaxAttempts { get; init; } = 50;

    /// <summary>The wait after the first failure; doubled after each further one, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan DelayAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 30))));
}

/// <summary>
/// Uploads the items of an <see cref="UploadQueue"/> to one <see cref="S3Destination"/>, oldest first, one at a time.
/// A failure worth retrying (<see cref="S3Failures.IsRetryable"/>) puts the item back with a backoff; any other, or
/// too many attempts, marks it failed with the reason. <see cref="BytesSent"/> counts request body bytes on the wire.
/// </summary>
public sealed class ObjectExporter : IDisposable
{
    private readonly AmazonS3Client _s3;
    private readonly HttpClient _http;
    private readonly UploadQueue _queue;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;
    private readonly ObjectUpload _upload;
    private readonly SemaphoreSlim _wake = new(0);
    private long _bytesSent;

    private ObjectExporter(AmazonS3Client s3, HttpClient http, S3Destination destination, UploadQueue queue, RetryPolicy retry, TimeProvider time)
    {
        _s3 = s3;
        _http = http;
        _queue = queue;
        _retry = retry;
        _time = time;
        Destination = destination;
        _upload = new ObjectUpload(s3, destination.Bucket, queue, time);
        queue.Enqueued += Wake;
    }

    public S3Destination Destination { get; }

    /// <summary>Request body bytes written to the link so far (retried bodies count again: this is what was carried).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Called with every piece of body written (for data-use accounting).</summary>
    public event Action<long>? Sent;

    /// <summary>Fails (<c>invalid</c>) when the destination's settings are not usable, naming each bad field.</summary>
    public static Result<ObjectExporter> Create(S3Destination destination, UploadQueue queue, TimeProvider time, RetryPolicy? retry = null)
    {
        ObjectExporter? exporter = null;
        var client = S3Client.Create(destination, time, bytes => exporter?.Count(bytes));
        if (!client.TryGetValue(out var created, out var failure))
        {
            return failure;
        }

        exporter = new ObjectExporter(created.Client, created.Http, destination, queue, retry ?? new RetryPolicy(), time);
        return exporter;
    }

    /// <summary>
    /// One attempt at one item now (whatever its backoff says), its new state recorded; the failure of the attempt, if
    /// any, is returned and also kept on the item.
    /// </summary>
    public async Task<Result<QueueItem>> AttemptAsync(string id, CancellationToken cancellationToken)
    {
        var item = _queue.Find(id);
        if (item is null)
        {
            return Result<QueueItem>.Fail("not-found", $"no queue item {id}");
        }

        if (item.State is UploadState.Done or UploadState.Failed)
        {
            return item;
        }

        var result = await _upload.RunAsync(item, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var latest = _queue.Find(id) ?? item;
        if (result.TryGetValue(out var done, out var failure))
        {
            _queue.Save(done);
            return done;
        }

        var attempts = latest.Attempts + 1;
        var retry = S3Failures.IsRetryable(failure.Code) && attempts < _retry.MaxAttempts;
        var next = latest with
        {
            Attempts = attempts,
            FailureCode = failure.Code,
            FailureMessage = failure.Message,
            NextAttempt = _time.GetUtcNow() + _retry.DelayAfter(attempts),
            State = !retry ? UploadState.Failed : latest.State,
        };
        if (failure.Code == S3Failures.UploadLost || (failure.Code == S3Failures.Checksum && latest.Parts.Count == latest.PartCount))
        {
            // The server forgot the upload, or the finished object is wrong: start this item again from its first part.
            next = next with { UploadId = null, Parts = [], State = retry ? UploadState.Queued : UploadState.Failed };
        }

        _queue.Save(next);
        return failure;
    }

    /// <summary>Uploads due items until cancelled, sleeping until the next one is due or one is queued.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => LoopAsync(untilIdle: false, cancellationToken);

    /// <summary>Uploads until no item is left queued or uploading (each done or failed); returns every item then.</summary>
    public async Task<IReadOnlyList<QueueItem>> DrainAsync(CancellationToken cancellationToken)
    {
        await LoopAsync(untilIdle: true, cancellationToken).ConfigureAwait(false);
        return _queue.Items();
    }

    private async Task LoopAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pending = _queue.Items().Where(i => i.State is UploadState.Queued or UploadState.Uploading).ToList();
            if (pending.Count == 0 && untilIdle)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var due = pending.Where(i => i.NextAttempt <= now).OrderBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault();
            if (due is not null)
            {
                await AttemptAsync(due.Id, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var wait = pending.Count == 0 ? Timeout.InfiniteTimeSpan : pending.Min(i => i.NextAttempt) - now;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (wait != Timeout.InfiniteTimeSpan)
            {
                timeout.CancelAfter(wait);
            }

            try
            {
                await _wake.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private void Count(long bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Sent?.Invoke(bytes);
    }

    private void Wake() => _wake.Release();

    public void Dispose()
    {
        _queue.Enqueued -= Wake;
        _s3.Dispose();
        _http.Dispose();
        _wake.Dispose();
    }
}
