using System.Buffers;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Tests.Shared;
using Appliance.Streams;

namespace Appliance.Plugins.WebRtc.Plugin.Tests.Support;

/// <summary>
/// The GStreamer demo camera pulled over RTSP and published into a real <see cref="StreamHub"/> under several
/// names (what the camera plugins do for the host): each H.264 access unit is copied into every publisher.
/// </summary>
internal sealed class HubCamera : IAsyncDisposable
{
    private readonly IReadOnlyList<IStreamPublisher> _publishers;
    private PulledCamera? _camera;

    private HubCamera(IReadOnlyList<IStreamPublisher> publishers) => _publishers = publishers;

    public static async Task<HubCamera> StartAsync(StreamHub hub, params string[] names)
    {
        var publishers = names.Select(n => hub.Publish(new StreamDescriptor(n, [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [], null)]))).ToList();
        var camera = new HubCamera(publishers);
        camera._camera = await PulledCamera.StartAsync(camera.Copy);
        return camera;
    }

    private void Copy(SdpTrack track, AccessUnit unit)
    {
        if (track.Codec != MediaCodec.H264) return;
        foreach (var publisher in _publishers)
        {
            var copy = AccessUnit.Rent(ArrayPool<byte>.Shared, unit.Length, 0, unit.Timestamp, unit.IsKeyframe);
            copy.Append(unit.Payload.Span);
            publisher.Write(copy);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_camera is not null) await _camera.DisposeAsync();
        foreach (var publisher in _publishers) publisher.Dispose();
    }
}
