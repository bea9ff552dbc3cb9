using System.Buffers;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Streams;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Plugin.Tests.Support;

/// <summary>
/// The GStreamer demo camera pulled over RTSP and published into a real <see cref="StreamHub"/> under several
/// names (what the camera plugins do for the host): each H.264 access unit is copied into every publisher.
/// </summary>
internal sealed class HubCamera : IRtspPullObserver, IAsyncDisposable
{
    private readonly GstRtspServer _camera;
    private readonly IReadOnlyList<IStreamPublisher> _publishers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<RtspPullOutcome> _pull;

    private HubCamera(GstRtspServer camera, IReadOnlyList<IStreamPublisher> publishers)
    {
        _camera = camera;
        _publishers = publishers;
        var session = new RtspPullSession(new RtspPullOptions(camera.Url), this);
        _pull = Task.Run(() => session.RunAsync(_stop.Token));
    }

    public static async Task<HubCamera> StartAsync(StreamHub hub, params string[] names)
    {
        var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), "--width 640 --height 360");
        var publishers = names.Select(n => hub.Publish(new StreamDescriptor(n, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [], null)]))).ToList();
        return new HubCamera(camera, publishers);
    }

    public void OnPlaying(RtspPullDescription description)
    {
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        try
        {
            if (track.Codec != MediaCodec.H264) return;
            foreach (var publisher in _publishers)
            {
                var copy = AccessUnit.Rent(ArrayPool<byte>.Shared, unit.Length, 0, unit.Timestamp, unit.IsKeyframe);
                copy.Append(unit.Payload.Span);
                publisher.Write(copy);
            }
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
        foreach (var publisher in _publishers) publisher.Dispose();
        _camera.Dispose();
        _stop.Dispose();
    }
}
