using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// The demo test-pattern camera (GStreamer rtsp-server, H.264) pulled over RTSP into a <see cref="VideoFeed"/>:
/// what the stream hub does for the plugin, done here by the test so the protocol library is tested alone.
/// </summary>
public sealed class CameraFeed : IRtspPullObserver, IAsyncDisposable
{
    private readonly GstRtspServer _camera;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<RtspPullOutcome> _pull;
    private readonly TaskCompletionSource _firstKeyframe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _units;
    private long _audioUnits;

    private CameraFeed(GstRtspServer camera)
    {
        _camera = camera;
        var session = new RtspPullSession(new RtspPullOptions(camera.Url), this);
        _pull = Task.Run(() => session.RunAsync(_stop.Token));
    }

    public VideoFeed Feed { get; } = new();

    public long Units => Interlocked.Read(ref _units);

    /// <summary>G.711 units pushed (when the camera was started with <c>--audio pcmu</c>).</summary>
    public long AudioUnits => Interlocked.Read(ref _audioUnits);

    public static async Task<CameraFeed> StartAsync(string args = "--width 640 --height 360")
    {
        var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), args);
        var feed = new CameraFeed(camera);
        var first = await Task.WhenAny(feed._firstKeyframe.Task, feed._pull, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != feed._firstKeyframe.Task)
        {
            var outcome = feed._pull.IsCompleted ? (await feed._pull).Message : "timeout";
            await feed.DisposeAsync();
            throw new InvalidOperationException($"the demo camera sent no keyframe: {outcome} {camera.Stderr}");
        }
        return feed;
    }

    public void OnPlaying(RtspPullDescription description)
    {
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        try
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
        finally
        {
            unit.Release();
        }
    }

    public void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters)
    {
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _pull.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
        }
        _camera.Dispose();
        _stop.Dispose();
    }
}
