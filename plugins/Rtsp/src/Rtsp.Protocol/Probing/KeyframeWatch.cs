using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Appliance.Plugins.Rtsp.Protocol.Packetizers;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Probing;

/// <summary>
/// The probe's observer: finds the video track when the session plays, reads its sequence parameter set (the
/// SDP's, replaced by in-band ones, else the keyframe's own), and is <see cref="Done"/> at the first keyframe
/// whose SPS signals the frame rate, or once <see cref="FramesForRate"/> frames after it give the rate from their
/// timestamps. Releases every unit at once.
/// </summary>
internal sealed class KeyframeWatch : IRtspPullObserver
{
    /// <summary>Frames after the keyframe whose timestamps measure the rate when the SPS does not signal it.</summary>
    internal const int FramesForRate = 6;

    private readonly object _gate = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<long> _timestamps = [];
    private RtspPullDescription? _description;
    private SdpTrack? _video;
    private IReadOnlyList<byte[]> _parameters = [];
    private VideoParameters? _picture;
    private bool _keyframe;

    public Task Done => _done.Task;

    public void OnPlaying(RtspPullDescription description)
    {
        lock (_gate)
        {
            _description = description;
            _video = description.Tracks.FirstOrDefault(t => t.IsVideo);
            _parameters = _video?.Parameters ?? [];
        }
        if (_video is null) _done.TrySetResult();
    }

    public void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters)
    {
        lock (_gate)
            if (track.Index == _video?.Index) _parameters = parameters;
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        try
        {
            lock (_gate)
            {
                if (track.Index != _video?.Index) return;
                if (!_keyframe)
                {
                    if (!unit.IsKeyframe) return;
                    _keyframe = true;
                    _picture = Parse(track.Codec, _parameters) ?? ParseInBand(track.Codec, unit.Payload.Span);
                    if (_picture?.FrameRate is not null || _picture is null)
                    {
                        _done.TrySetResult();
                        return;
                    }
                }
                _timestamps.Add(unit.Timestamp);
                if (_timestamps.Count >= FramesForRate) _done.TrySetResult();
            }
        }
        finally
        {
            unit.Release();
        }
    }

    /// <summary>The facts, or why there are none, once the session is over.</summary>
    public Result<StreamFacts> Verdict(RtspPullOutcome outcome, long packets, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_description is { } d && _video is null)
                return new Failure(StreamProbeFailure.Codec, "no H.264 or H.265 video track"
                    + (d.Tracks.Count > 0 ? $" (only {string.Join(", ", d.Tracks.Select(t => t.CodecName))})" : "")
                    + (d.Notes.Count > 0 ? ": " + string.Join("; ", d.Notes) : ""));
            if (!_keyframe) return RtspStreamProbe.Explain(outcome, packets, timeout);
            if (_picture is null)
                return new Failure(StreamProbeFailure.Codec, $"a {_video!.CodecName} keyframe arrived, but no sequence parameter set of it could be read");
            var audio = _description!.Tracks.FirstOrDefault(t => !t.IsVideo)?.CodecName;
            return new StreamFacts(_video!.CodecName, _picture.Width, _picture.Height, _picture.FrameRate ?? MeasuredRate(_video.ClockRate),
                _picture.Profile, _picture.Level, _description.Transport, audio);
        }
    }

    /// <summary>Frames per second from the timestamps after the keyframe, two decimals; null with fewer than three.</summary>
    private double? MeasuredRate(int clockRate)
    {
        if (_timestamps.Count < 3 || clockRate <= 0) return null;
        var span = _timestamps[^1] - _timestamps[0];
        return span <= 0 ? null : Math.Round((_timestamps.Count - 1) * (double)clockRate / span, 2);
    }

    private static VideoParameters? Parse(MediaCodec codec, IEnumerable<byte[]> parameterSets)
    {
        foreach (var set in parameterSets)
            if (ParseOne(codec, set) is { } picture) return picture;
        return null;
    }

    private static VideoParameters? ParseInBand(MediaCodec codec, ReadOnlySpan<byte> annexB)
    {
        var reader = new AnnexBReader(annexB);
        while (reader.TryNext(out var nal))
            if (ParseOne(codec, nal) is { } picture) return picture;
        return null;
    }

    private static VideoParameters? ParseOne(MediaCodec codec, ReadOnlySpan<byte> nal) => codec switch
    {
        MediaCodec.H264 => H264Sps.TryParse(nal),
        MediaCodec.H265 => H265Sps.TryParse(nal),
        _ => null,
    };
}
