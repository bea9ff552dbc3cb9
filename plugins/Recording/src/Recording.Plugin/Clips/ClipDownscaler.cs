using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Plugin.Clips;

/// <summary>
/// Has a cut clip re-encoded down to 2MP (1920x1080 box) by the media plugin, the process that owns the codecs: the
/// clip's units go on the hub as <c>transcode/{id}/in</c>, the media plugin's H.264 comes back on
/// <c>transcode/{id}/out</c> and is written as a new MPEG-TS clip. Input is paced by the output (at most
/// <see cref="Window"/> units ahead: the hub drops units for a subscriber that falls behind). The media plugin's
/// answers (<see cref="TranscodeStateChanged"/>) come through the durable subscription <see cref="SubscriptionName"/>.
/// </summary>
internal sealed class ClipDownscaler(IStreamHub hub, IEventBus events, TimeProvider time, TimeSpan answerLimit)
{
    public const string SubscriptionName = "transcodes";
    public const int MaxWidth = 1920;
    public const int MaxHeight = 1080;
    public const int Window = 48;

    public static IReadOnlyCollection<string> EventTypes { get; } = [nameof(TranscodeStateChanged)];

    private readonly ConcurrentDictionary<string, Channel<TranscodeStateChanged>> _waiting = new(StringComparer.Ordinal);
    private readonly AccessUnitPool _units = new(ArrayPool<byte>.Shared);

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.TryGet<TranscodeStateChanged>(out var state) && state is not null && _waiting.TryGetValue(state.JobId, out var channel))
            channel.Writer.TryWrite(state);
        return Task.CompletedTask;
    }

    /// <summary>True when the picture is larger than the 2MP box (a smaller one is kept as it is).</summary>
    public static bool Needed(ClipPicture picture) => picture.Width > MaxWidth || picture.Height > MaxHeight;

    /// <summary>
    /// Writes the downscaled clip of <paramref name="input"/> to <paramref name="output"/>. Failures: <c>no-answer</c>
    /// (the media plugin did not take the job or went silent), <c>transcode</c> (it failed, with its reason),
    /// <c>lost</c> (units dropped on the way), <c>io</c>.
    /// </summary>
    public async Task<Result<ClipSummary>> DownscaleAsync(string jobId, ClipPicture picture, string input, string output, int bitrateKbps, int frames,
        Action<double> progress, CancellationToken cancellationToken)
    {
        var states = Channel.CreateUnbounded<TranscodeStateChanged>();
        _waiting[jobId] = states;
        try
        {
            var target = $"transcode/{jobId}/out";
            using var results = hub.Subscribe(target, capacity: 4 * Window);
            using var publisher = hub.Publish(new StreamDescriptor($"transcode/{jobId}/in",
                [new MediaTrack(0, picture.Codec == VideoCodec.H264 ? MediaCodec.H264 : MediaCodec.H265, 90000, picture.Codec == VideoCodec.H264 ? "H264" : "H265", picture.ParameterSets)]));
            await events.PublishAsync(new TranscodeRequested(jobId, $"transcode/{jobId}/in", target, MaxWidth, MaxHeight, bitrateKbps), cancellationToken).ConfigureAwait(false);
            var started = await NextStateAsync(states, cancellationToken).ConfigureAwait(false);
            if (started is null) return new Failure("no-answer", $"the media plugin did not take the job within {answerLimit.TotalSeconds:0} s (is appliance.media running?)");
            if (started.State != "started") return new Failure("transcode", started.Error ?? started.State);

            var created = SegmentWriter.Create(output, new ParameterSets(VideoCodec.H264));
            if (!created.IsOk) return created.Failure!;
            using var writer = created.Value;
            var pump = new OutputPump(results, writer, states, time, answerLimit);
            long sent = 0;
            long timestamp = 0, previousPts = 0;
            await using (var file = File.OpenRead(input))
            {
                var reader = new TsAccessUnitReader(file, wholeFramesOnly: true);
                while (reader.TryRead(out var unit))
                {
                    while (sent - pump.Received >= Window)
                    {
                        var got = await pump.NextAsync(cancellationToken).ConfigureAwait(false);
                        if (!got.IsOk) return got.Failure!;
                        if (!got.Value) return new Failure("transcode", $"the media plugin finished after {pump.Received} units while {sent} were sent");
                    }
                    // Timestamps from 0, stepping like the source's (a clock reset between segments steps one frame).
                    if (sent > 0)
                    {
                        var step = TsLayout.Difference(unit.Pts, previousPts);
                        timestamp += step is > 0 and < 90_000 * 10 ? step : 3_600;
                    }
                    previousPts = unit.Pts;
                    var au = _units.Rent(unit.AnnexB.Length, 0, timestamp, unit.Keyframe);
                    au.Append(unit.AnnexB);
                    publisher.Write(au);
                    sent++;
                    progress(Math.Min(1, sent / (double)Math.Max(1, frames)));
                }
            }
            await events.PublishAsync(new TranscodeInputEnded(jobId, sent), cancellationToken).ConfigureAwait(false);
            var finished = await pump.DrainAsync(cancellationToken).ConfigureAwait(false);
            if (!finished.IsOk) return finished.Failure!;
            if (results.Dropped > 0) return new Failure("lost", $"{results.Dropped} re-encoded units were dropped on the way back");
            var flushed = writer.Flush(durable: true);
            if (!flushed.IsOk) return flushed.Failure!;
            return new ClipSummary(writer.Frames, new FileInfo(output).Length, TsLayout.Difference(writer.LastPts, writer.FirstPts) / 90_000.0, 1);
        }
        finally
        {
            _waiting.TryRemove(jobId, out _);
        }
    }

    private async Task<TranscodeStateChanged?> NextStateAsync(Channel<TranscodeStateChanged> states, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(answerLimit);
        try
        {
            return await states.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Reads the re-encoded units into the writer, watching the media plugin's answers.</summary>
    private sealed class OutputPump(IStreamSubscription results, SegmentWriter writer, Channel<TranscodeStateChanged> states, TimeProvider time, TimeSpan answerLimit)
    {
        private TranscodeStateChanged? _finished;

        public long Received { get; private set; }

        /// <summary>One unit written, or the failure that stopped the job.</summary>
        public async Task<Result<bool>> NextAsync(CancellationToken cancellationToken)
        {
            var idleSince = time.GetUtcNow();
            while (true)
            {
                while (states.Reader.TryRead(out var state))
                {
                    if (state.State == "failed") return new Failure("transcode", state.Error ?? "failed");
                    if (state.State == "finished") _finished = state;
                }
                if (_finished is not null && Received >= _finished.FramesOut) return false;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                AccessUnit unit;
                try
                {
                    unit = await results.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    if (time.GetUtcNow() - idleSince > answerLimit)
                        return new Failure("no-answer", $"the media plugin sent nothing for {answerLimit.TotalSeconds:0} s ({Received} units back)");
                    continue;
                }
                try
                {
                    var written = writer.Write(unit.Payload.Span, unit.Timestamp, unit.IsKeyframe);
                    if (!written.IsOk) return written.Failure!;
                }
                finally
                {
                    unit.Release();
                }
                Received++;
                return true;
            }
        }

        /// <summary>Reads until the media plugin said finished and all its units are written.</summary>
        public async Task<Result<bool>> DrainAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var next = await NextAsync(cancellationToken).ConfigureAwait(false);
                if (!next.IsOk) return next;
                if (!next.Value) return true;
            }
        }
    }
}
