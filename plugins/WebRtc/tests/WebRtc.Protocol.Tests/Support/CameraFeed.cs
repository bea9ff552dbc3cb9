using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Tests.Shared;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// The demo test-pattern camera (GStreamer rtsp-server, H.264) pulled over RTSP into a <see cref="VideoFeed"/>:
/// what the stream hub does for the plugin, done here by the test so the protocol library is tested alone.
/// </summary>
public sealed class CameraFeed : IAsyncDisposable
{
    private readonly TaskCompletionSource _firstKeyframe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PulledCamera? _camera;
    private long _units;
    private long _audioUnits;

    private CameraFeed()
    {
    }

    public VideoFeed Feed { get; } = new();

    public long Units => Interlocked.Read(ref _units);

    /// <summary>G.711 units pushed (when the camera was started with <c>--audio pcmu</c>).</summary>
    public long AudioUnits => Interlocked.Read(ref _audioUnits);

    public static async Task<CameraFeed> StartAsync(string args = "--width 640 --height 360")
    {
        var feed = new CameraFeed();
        var camera = feed._camera = await PulledCamera.StartAsync(feed.Push, args);
        var first = await Task.WhenAny(feed._firstKeyframe.Task, camera.Pull, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != feed._firstKeyframe.Task)
        {
            var outcome = camera.Pull.IsCompleted ? (await camera.Pull).Message : "timeout";
            var stderr = camera.Stderr;
            await feed.DisposeAsync();
            throw new InvalidOperationException($"the demo camera sent no keyframe: {outcome} {stderr}");
        }
        return feed;
    }

    private void Push(SdpTrack track, AccessUnit unit)
    {
        if (track.Codec is MediaCodec.Pcmu or MediaCodec.Pcma)
        {
            Interlocked.Increment(ref _audioUnits);
            Feed.PushAudio(unit.Payload.Span, unit.Timestamp);
            return;
        }
        if (track.Codec != MediaCodec.H264) return;
        Interlocked.Increment(ref _units);
        Feed.Push(unit.Payload.Span, unit.Timestamp, unit.IsKeyframe);
        if (unit.IsKeyframe) _firstKeyframe.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_camera is not null) await _camera.DisposeAsync();
    }
}
