using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>What a derived stream is: its hub name, size (null: the source's), bit rate and keyframe interval.</summary>
internal sealed record DerivedStreamSpec(string Name, int? Width, int? Height, int BitrateKbps, int GopFrames);

/// <summary>
/// An H.264 stream made from decoded frames (the SD stream, or H.265 re-encoded for browsers) and published back
/// into the hub. It runs only while the hub has subscribers for its name: <see cref="Offer"/> checks demand, opens
/// the encoder and claims the name when someone watches, and releases both when nobody does any more.
/// Runs on the decode thread.
/// </summary>
internal sealed class DerivedStream(
    DerivedStreamSpec spec, FFmpegRuntime runtime, IStreamHub hub, AccessUnitPool units,
    Func<Result<Protocol.Codecs.CodecChoice>> chooseEncoder, Action<CodecCandidate, Failure> encoderFailed) : IDisposable
{
    private FrameScaler? _scaler;
    private VideoEncoder? _encoder;
    private CodecCandidate? _encoderCandidate;
    private IStreamPublisher? _publisher;
    private readonly Queue<long> _timestamps = new();
    private bool _parametersKnown;
    private long _frames;
    private long _nextDemandCheck;
    private bool _demanded;

    public DerivedStreamSpec Spec => spec;

    /// <summary>Units written to the hub so far.</summary>
    public long UnitsWritten { get; private set; }

    /// <summary>The last failure of this stream, if any.</summary>
    public Failure? LastFailure { get; private set; }

    public bool Running => _encoder is not null;

    public void Offer(VideoFrameView frame, long timestamp)
    {
        if (_frames++ >= _nextDemandCheck)
        {
            _demanded = hub.SubscriberCount(spec.Name) > 0;
            _nextDemandCheck = _frames + 10;
        }
        if (!_demanded)
        {
            Stop();
            return;
        }
        var width = spec.Width ?? frame.Width & ~1;
        var height = spec.Height ?? frame.Height & ~1;
        if (_scaler is null || !_scaler.Matches(frame))
        {
            Stop();
            if (!Start(frame, width, height)) return;
        }
        var scaled = _scaler!.Scale(frame);
        if (!scaled.IsOk)
        {
            LastFailure = scaled.Failure;
            return;
        }
        _timestamps.Enqueue(timestamp);
        while (_timestamps.Count > 64) _timestamps.Dequeue();
        var encoded = _encoder!.Encode(scaled.Value, _frames, Write);
        if (!encoded.IsOk)
        {
            LastFailure = encoded.Failure;
            encoderFailed(_encoderCandidate!, encoded.Failure!);
            Stop(); // the next frame reopens with the next choice (software at the end)
        }
    }

    private bool Start(VideoFrameView frame, int width, int height)
    {
        var choice = chooseEncoder();
        if (!choice.IsOk)
        {
            LastFailure = choice.Failure;
            return false;
        }
        var scaler = FrameScaler.Open(runtime, frame.Width, frame.Height, frame.PixelFormat, width, height, AvConstants.AV_PIX_FMT_YUV420P);
        if (!scaler.IsOk)
        {
            LastFailure = scaler.Failure;
            return false;
        }
        var candidate = choice.Value.Chosen;
        var options = candidate.Path == CodecPath.Software
            ? new Dictionary<string, string> { ["preset"] = "veryfast", ["tune"] = "zerolatency" }
            : new Dictionary<string, string>();
        var encoder = VideoEncoder.Open(runtime, candidate.FFmpegName, new EncoderSettings(width, height, AvConstants.AV_PIX_FMT_YUV420P, 25,
            BitRate: spec.BitrateKbps * 1000L, GopSize: spec.GopFrames, Options: options));
        if (!encoder.IsOk)
        {
            scaler.Value.Dispose();
            LastFailure = encoder.Failure;
            encoderFailed(candidate, encoder.Failure!);
            return false;
        }
        _scaler = scaler.Value;
        _encoder = encoder.Value;
        _encoderCandidate = candidate;
        _parametersKnown = false;
        _publisher = hub.Publish(new StreamDescriptor(spec.Name, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]));
        return true;
    }

    private void Write(ReadOnlySpan<byte> data, long pts, bool keyframe)
    {
        var timestamp = _timestamps.Count > 0 ? _timestamps.Dequeue() : 0;
        if (keyframe && !_parametersKnown)
        {
            var parameters = ParameterSets(data);
            if (parameters.Count >= 2)
            {
                _publisher!.Update(new StreamDescriptor(spec.Name, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", parameters)]));
                _parametersKnown = true;
            }
        }
        var unit = units.Rent(data.Length, 0, timestamp, keyframe);
        unit.Append(data);
        _publisher!.Write(unit);
        UnitsWritten++;
    }

    /// <summary>The SPS and PPS NAL units (without start codes) of an Annex-B access unit.</summary>
    internal static List<byte[]> ParameterSets(ReadOnlySpan<byte> annexB)
    {
        var found = new List<byte[]>();
        var starts = new List<(int Header, int CodeStart)>();
        for (var i = 0; i + 2 < annexB.Length; i++)
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1)
            {
                starts.Add((i + 3, i > 0 && annexB[i - 1] == 0 ? i - 1 : i));
                i += 2;
            }
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1].CodeStart : annexB.Length;
            var nal = annexB[starts[k].Header..end];
            if (nal.Length > 0 && (nal[0] & 0x1f) is 7 or 8) found.Add(nal.ToArray());
        }
        return found;
    }

    private void Stop()
    {
        _scaler?.Dispose();
        _encoder?.Dispose();
        _publisher?.Dispose();
        _scaler = null;
        _encoder = null;
        _publisher = null;
        _timestamps.Clear();
    }

    public void Dispose() => Stop();
}
