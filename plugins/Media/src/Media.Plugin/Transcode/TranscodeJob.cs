using System.Buffers;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Plugin.Cameras;
using Appliance.Plugins.Media.Plugin.Codecs;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Transcode;

namespace Appliance.Plugins.Media.Plugin.Transcode;

/// <summary>
/// One transcode (<see cref="TranscodeRequested"/>): reads the source stream from the hub, decodes it with the
/// chosen decoder, scales it to fit the requested box (<see cref="ScaleToFit"/>), encodes H.264 and publishes the
/// units on the target stream, each with its source unit's timestamp. Says <c>started</c> once subscribed, and
/// <c>finished</c> after the asker's <see cref="TranscodeInputEnded"/> frames are in and decoder and encoder are
/// drained, or <c>failed</c> with the reason (no decoder or encoder, a source that stops for
/// <see cref="IdleLimit"/>). A unit that does not decode is skipped and counted.
/// </summary>
internal sealed class TranscodeJob(TranscodeRequested request, PipelineServices services, IEventBus events, TimeProvider time)
{
    /// <summary>How long the source may stay silent before the job fails.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(60);

    private readonly Queue<long> _timestamps = new();
    private long _expected = -1;
    private long _framesIn;
    private long _framesOut;
    private long _decodeErrors;
    private VideoDecoder? _decoder;
    private FrameScaler? _scaler;
    private VideoEncoder? _encoder;
    private IStreamPublisher? _publisher;
    private bool _parametersKnown;
    private (int Width, int Height) _size;
    private Failure? _failure;

    public string Id => request.JobId;

    /// <summary>The asker wrote all its units (from the event subscription's thread).</summary>
    public void InputEnded(long frames) => Interlocked.Exchange(ref _expected, frames);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var source = services.Hub.Subscribe(request.Source, capacity: 1024);
            await ReportAsync("started", null, cancellationToken).ConfigureAwait(false);
            var idleSince = time.GetUtcNow();
            while (_failure is null && (Interlocked.Read(ref _expected) < 0 || _framesIn < Interlocked.Read(ref _expected)))
            {
                AccessUnit unit;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    wait.CancelAfter(TimeSpan.FromSeconds(1));
                    try
                    {
                        unit = await source.ReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        if (time.GetUtcNow() - idleSince > IdleLimit)
                            _failure = new Failure("idle", $"the source {request.Source} sent nothing for {IdleLimit.TotalSeconds:0} s ({_framesIn} units in)");
                        continue;
                    }
                }
                idleSince = time.GetUtcNow();
                try
                {
                    Decode(source.Descriptor, unit);
                }
                finally
                {
                    unit.Release();
                }
                _framesIn++;
            }
            if (_failure is null && _decoder is not null) Drain();
            if (source.Dropped > 0 && _failure is null)
                _failure = new Failure("dropped", $"{source.Dropped} source units were dropped (the asker wrote too far ahead)");
            await ReportAsync(_failure is null ? "finished" : "failed", _failure?.ToString(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _decoder?.Dispose();
            _scaler?.Dispose();
            _encoder?.Dispose();
            _publisher?.Dispose();
        }
    }

    private Task ReportAsync(string state, string? error, CancellationToken cancellationToken)
    {
        if (_decodeErrors > 0 && state == "finished") error = $"{_decodeErrors} source unit(s) did not decode and were skipped";
        return events.PublishAsync(new TranscodeStateChanged(request.JobId, state, _framesIn, _framesOut, _size.Width, _size.Height, error), cancellationToken);
    }

    private void Decode(StreamDescriptor? descriptor, AccessUnit unit)
    {
        var track = descriptor?.Tracks.FirstOrDefault(t => t.Codec is MediaCodec.H264 or MediaCodec.H265);
        if (track is null || unit.Track != track.Index) return;
        if (_decoder is null && !OpenDecoder(track)) return;
        if (!KeyframeDecode.Decode(_decoder!, track, unit, OnFrame).IsOk) _decodeErrors++;
    }

    private bool OpenDecoder(MediaTrack track)
    {
        var format = track.Codec == MediaCodec.H265 ? VideoFormat.H265 : VideoFormat.H264;
        var choice = services.Codecs.Choose(format, CodecDirection.Decode);
        if (!choice.IsOk)
        {
            _failure = choice.Failure;
            return false;
        }
        var opened = VideoDecoder.Open(services.Runtime, choice.Value.Chosen.FFmpegName,
            CodecProber.DecoderOptionsFor(choice.Value.Chosen, services.Settings.DecoderThreads, services.Settings.MaxPixels));
        if (!opened.IsOk)
        {
            _failure = opened.Failure;
            return false;
        }
        _decoder = opened.Value;
        return true;
    }

    private void OnFrame(VideoFrameView frame)
    {
        if (_failure is not null) return;
        if (_encoder is null && !OpenEncoder(frame)) return;
        if (!_scaler!.Matches(frame))
        {
            // The source changed size mid-clip: the output keeps its size.
            _scaler.Dispose();
            var scaler = FrameScaler.Open(services.Runtime, frame.Width, frame.Height, frame.PixelFormat, _size.Width, _size.Height, AvConstants.AV_PIX_FMT_YUV420P);
            if (!scaler.IsOk)
            {
                _scaler = null;
                _failure = scaler.Failure;
                return;
            }
            _scaler = scaler.Value;
        }
        var scaled = _scaler.Scale(frame);
        if (!scaled.IsOk)
        {
            _failure = scaled.Failure;
            return;
        }
        _timestamps.Enqueue(frame.Pts);
        var encoded = _encoder!.Encode(scaled.Value, _timestamps.Count + _framesOut, Write);
        if (!encoded.IsOk) _failure = encoded.Failure;
    }

    private bool OpenEncoder(VideoFrameView frame)
    {
        var size = ScaleToFit.Size(frame.Width, frame.Height, request.MaxWidth, request.MaxHeight);
        if (!size.IsOk)
        {
            _failure = size.Failure;
            return false;
        }
        _size = size.Value;
        var choice = services.Codecs.Choose(VideoFormat.H264, CodecDirection.Encode);
        if (!choice.IsOk)
        {
            _failure = choice.Failure;
            return false;
        }
        var scaler = FrameScaler.Open(services.Runtime, frame.Width, frame.Height, frame.PixelFormat, _size.Width, _size.Height, AvConstants.AV_PIX_FMT_YUV420P);
        if (!scaler.IsOk)
        {
            _failure = scaler.Failure;
            return false;
        }
        var candidate = choice.Value.Chosen;
        // No B-frames (zerolatency): recordings carry one timestamp per unit, in decode order.
        var options = candidate.Path == CodecPath.Software
            ? new Dictionary<string, string> { ["preset"] = "veryfast", ["tune"] = "zerolatency" }
            : new Dictionary<string, string>();
        var encoder = VideoEncoder.Open(services.Runtime, candidate.FFmpegName, new EncoderSettings(_size.Width, _size.Height, AvConstants.AV_PIX_FMT_YUV420P, 25,
            BitRate: Math.Clamp(request.BitrateKbps, 100, 50_000) * 1000L, GopSize: 50, Options: options));
        if (!encoder.IsOk)
        {
            scaler.Value.Dispose();
            services.Codecs.ReportRuntimeFailure(candidate, encoder.Failure!);
            _failure = encoder.Failure;
            return false;
        }
        (_scaler, _encoder) = (scaler.Value, encoder.Value);
        _publisher = services.Hub.Publish(new StreamDescriptor(request.Target, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]));
        return true;
    }

    private void Write(ReadOnlySpan<byte> data, long pts, bool keyframe)
    {
        var timestamp = _timestamps.Count > 0 ? _timestamps.Dequeue() : 0;
        if (keyframe && !_parametersKnown)
        {
            var parameters = DerivedStream.ParameterSets(data);
            if (parameters.Count >= 2)
            {
                _publisher!.Update(new StreamDescriptor(request.Target, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", parameters)]));
                _parametersKnown = true;
            }
        }
        var unit = services.Units.Rent(data.Length, 0, timestamp, keyframe);
        unit.Append(data);
        _publisher!.Write(unit);
        _framesOut++;
    }

    private void Drain()
    {
        var flushed = _decoder!.Flush(OnFrame);
        if (!flushed.IsOk && _failure is null) _failure = flushed.Failure;
        if (_encoder is not null && _failure is null)
        {
            var drained = _encoder.Flush(Write);
            if (!drained.IsOk) _failure = drained.Failure;
        }
    }
}
