using System.Buffers;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.Plugin.Codecs;
using Appliance.Plugins.Media.Plugin.Diagnostics;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Motion;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>What a camera pipeline needs from the plugin.</summary>
internal sealed record PipelineServices(
    FFmpegRuntime Runtime, CodecBook Codecs, MediaSettings Settings, IStreamHub Hub, AccessUnitPool Units,
    IHealthReporter Health, IPluginLogger Logger, Action<string, MotionTransition, VideoFrameView> OnMotion, StartupTimeline Startup);

/// <summary>
/// One camera: reads <c>camera/{id}</c> from the hub, decodes its video track with the chosen decoder, keeps the
/// latest frame for snapshots, feeds motion analysis and the derived streams. A corrupt unit is an error of this
/// camera (health and a counter), never of the plugin; a hardware decoder that keeps failing is marked failed and
/// the pipeline reopens with the next choice (software at the end).
/// </summary>
internal sealed class CameraPipeline : IDisposable
{
    /// <summary>Errors in a row after which a hardware decoder is given up.</summary>
    private const int HardwareErrorLimit = 25;

    private readonly string _cameraId;
    private readonly PipelineServices _services;
    private readonly DerivedStream _sd;
    private readonly DerivedStream _h264;
    private MotionAnalyzer? _motion;
    private VideoDecoder? _decoder;
    private CodecCandidate? _decoderCandidate;
    private MediaCodec? _decoderCodec;
    private int _errorsInRow;

    public CameraPipeline(string cameraId, PipelineServices services)
    {
        _cameraId = cameraId;
        _services = services;
        var sd = services.Settings.Sd;
        Func<Result<CodecChoice>> chooseH264 = () => services.Codecs.Choose(VideoFormat.H264, CodecDirection.Encode);
        _sd = new DerivedStream(new DerivedStreamSpec($"camera/{cameraId}/sd", sd.Width, sd.Height, sd.BitrateKbps, sd.GopFrames),
            services.Runtime, services.Hub, services.Units, chooseH264, services.Codecs.ReportRuntimeFailure);
        _h264 = new DerivedStream(new DerivedStreamSpec($"camera/{cameraId}/h264", null, null, 2000, sd.GopFrames),
            services.Runtime, services.Hub, services.Units, chooseH264, services.Codecs.ReportRuntimeFailure);
        Snapshots = new JpegMaker(services.Runtime,
            services.Codecs.Choose(VideoFormat.Jpeg, CodecDirection.Encode) is { IsOk: true } j ? j.Value.Chosen.FFmpegName : "mjpeg",
            services.Settings.JpegQuality);
    }

    public string CameraId => _cameraId;

    public LatestFrame Latest { get; } = new();

    public JpegMaker Snapshots { get; }

    public long FramesDecoded { get; private set; }

    public long DecodeErrors { get; private set; }

    public string? DecoderName => _decoderCandidate?.ToString();

    public DerivedStream Sd => _sd;

    /// <summary>Reads and decodes until cancelled: <paramref name="early"/> (the subscription made at the plugin's
    /// start, which this pipeline then owns) or a new subscription of <c>camera/{id}</c>.</summary>
    public async Task RunAsync(IStreamSubscription? early, CancellationToken cancellationToken)
    {
        _services.Startup.Mark($"camera/{_cameraId} subscribed");
        using var subscription = early ?? _services.Hub.Subscribe($"camera/{_cameraId}");
        while (!cancellationToken.IsCancellationRequested)
        {
            AccessUnit unit;
            try
            {
                unit = await subscription.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (FramesDecoded == 0) _services.Startup.Mark($"camera/{_cameraId} first unit");
            try
            {
                Process(subscription.Descriptor, unit);
            }
            finally
            {
                unit.Release();
            }
        }
    }

    private void Process(StreamDescriptor? descriptor, AccessUnit unit)
    {
        var track = descriptor?.Tracks.FirstOrDefault(t => t.Codec is MediaCodec.H264 or MediaCodec.H265);
        if (track is null || unit.Track != track.Index) return;
        if (!EnsureDecoder(track)) return;
        var result = KeyframeDecode.Decode(_decoder!, track, unit, OnFrame);
        if (result.IsOk)
        {
            if (_errorsInRow > 0) _services.Health.Report($"camera/{_cameraId}", HealthState.Healthy, $"decoding with {_decoderCandidate}");
            _errorsInRow = 0;
            return;
        }
        DecodeErrors++;
        _errorsInRow++;
        _services.Health.Report($"camera/{_cameraId}", HealthState.Degraded, $"decode error {DecodeErrors} ({_decoderCandidate}): {result.Failure!.Message}");
        if (_errorsInRow >= HardwareErrorLimit && _decoderCandidate!.Path != CodecPath.Software)
        {
            _services.Codecs.ReportRuntimeFailure(_decoderCandidate, result.Failure);
            CloseDecoder();
        }
    }

    private bool EnsureDecoder(MediaTrack track)
    {
        if (_decoder is not null && _decoderCodec == track.Codec) return true;
        CloseDecoder();
        var format = track.Codec == MediaCodec.H265 ? VideoFormat.H265 : VideoFormat.H264;
        while (true)
        {
            var choice = _services.Codecs.Choose(format, CodecDirection.Decode);
            if (!choice.IsOk)
            {
                _services.Health.Report($"camera/{_cameraId}", HealthState.Unhealthy, choice.Failure!.Message);
                return false;
            }
            var candidate = choice.Value.Chosen;
            var opened = VideoDecoder.Open(_services.Runtime, candidate.FFmpegName,
                CodecProber.DecoderOptionsFor(candidate, _services.Settings.DecoderThreads, _services.Settings.MaxPixels));
            if (opened.IsOk)
            {
                (_decoder, _decoderCandidate, _decoderCodec) = (opened.Value, candidate, track.Codec);
                _services.Health.Report($"camera/{_cameraId}", HealthState.Healthy, $"decoding {format} with {candidate}");
                return true;
            }
            if (candidate.Path == CodecPath.Software)
            {
                _services.Health.Report($"camera/{_cameraId}", HealthState.Unhealthy, opened.Failure!.Message);
                return false;
            }
            _services.Codecs.ReportRuntimeFailure(candidate, opened.Failure!);
        }
    }

    private void OnFrame(VideoFrameView frame)
    {
        FramesDecoded++;
        Latest.Replace(frame);
        if (FramesDecoded == 1)
        {
            _services.Startup.Mark($"camera/{_cameraId} first frame");
            // Opens the JPEG encoder now rather than in the first snapshot request (after a restart, that request
            // waits for it otherwise).
            Snapshots.Encode(frame);
            _services.Startup.Mark($"camera/{_cameraId} snapshot encoder ready");
        }
        var motionSettings = _services.Settings.Motion;
        if (motionSettings.Enabled)
        {
            _motion ??= new MotionAnalyzer(_services.Runtime, motionSettings.For(_cameraId), motionSettings.AnalysisFps,
                motionSettings.Width, motionSettings.Height, 90000);
            if (_motion.Offer(frame, frame.Pts) is { } transition) _services.OnMotion(_cameraId, transition, frame);
        }
        _sd.Offer(frame, frame.Pts);
        if (_decoderCodec == MediaCodec.H265) _h264.Offer(frame, frame.Pts);
    }

    private void CloseDecoder()
    {
        _decoder?.Dispose();
        _decoder = null;
        _decoderCandidate = null;
        _decoderCodec = null;
    }

    public void Dispose()
    {
        CloseDecoder();
        _motion?.Dispose();
        _sd.Dispose();
        _h264.Dispose();
        Latest.Dispose();
        Snapshots.Dispose();
    }
}
