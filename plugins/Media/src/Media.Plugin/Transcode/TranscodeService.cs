using System.Collections.Concurrent;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Plugin.Cameras;

namespace Appliance.Plugins.Media.Plugin.Transcode;

/// <summary>
/// Takes <see cref="TranscodeRequested"/> and <see cref="TranscodeInputEnded"/> through the durable subscription
/// <see cref="SubscriptionName"/> and runs the jobs one at a time (each holds a decoder and an encoder; the cameras'
/// pipelines come first). A repeated request for a job that is queued or running is ignored.
/// </summary>
internal sealed class TranscodeService(PipelineServices services, IEventBus events, TimeProvider time)
{
    public const string SubscriptionName = "transcodes";

    public static IReadOnlyCollection<string> EventTypes { get; } = [nameof(TranscodeRequested), nameof(TranscodeInputEnded)];

    private readonly Channel<TranscodeJob> _queue = Channel.CreateUnbounded<TranscodeJob>();
    private readonly ConcurrentDictionary<string, TranscodeJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _endedEarly = new(StringComparer.Ordinal);

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.TryGet<TranscodeRequested>(out var request) && request is not null)
        {
            var job = new TranscodeJob(request, services, events, time);
            if (_jobs.TryAdd(request.JobId, job))
            {
                if (_endedEarly.TryRemove(request.JobId, out var frames)) job.InputEnded(frames);
                _queue.Writer.TryWrite(job);
            }
        }
        else if (envelope.TryGet<TranscodeInputEnded>(out var ended) && ended is not null)
        {
            if (_jobs.TryGetValue(ended.JobId, out var job)) job.InputEnded(ended.Frames);
            else _endedEarly[ended.JobId] = ended.Frames;
        }
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var job in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await job.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _jobs.TryRemove(job.Id, out _);
            }
        }
    }
}
