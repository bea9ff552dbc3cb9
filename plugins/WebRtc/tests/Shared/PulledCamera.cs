using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Tests.Shared;

/// <summary>
/// The GStreamer demo camera (<see cref="GstRtspServer"/>) pulled over RTSP by the RTSP library's pull session, as
/// the camera plugins pull it: every access unit is handed to <c>onUnit</c> and released after it returns.
/// Shared source of the WebRTC test projects (plugins/WebRtc/tests/Shared).
/// </summary>
public sealed class PulledCamera : IRtspPullObserver, IAsyncDisposable
{
    private readonly GstRtspServer _camera;
    private readonly Action<SdpTrack, AccessUnit> _onUnit;
    private readonly CancellationTokenSource _stop = new();

    private PulledCamera(GstRtspServer camera, Action<SdpTrack, AccessUnit> onUnit)
    {
        _camera = camera;
        _onUnit = onUnit;
        var session = new RtspPullSession(new RtspPullOptions(camera.Url), this);
        Pull = Task.Run(() => session.RunAsync(_stop.Token));
    }

    /// <summary>The pull, which ends only when it fails or is stopped.</summary>
    public Task<RtspPullOutcome> Pull { get; }

    /// <summary>What the camera process wrote to stderr.</summary>
    public string Stderr => _camera.Stderr;

    /// <param name="args">rtsp_server.py arguments (size, codec, audio).</param>
    public static async Task<PulledCamera> StartAsync(Action<SdpTrack, AccessUnit> onUnit, string args = "--width 640 --height 360") =>
        new(await GstRtspServer.StartAsync(FreePort.Tcp(), args), onUnit);

    public void OnPlaying(RtspPullDescription description)
    {
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        try
        {
            _onUnit(track, unit);
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
        await _stop.CancelAsync();
        try
        {
            await Pull.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
        }
        _camera.Dispose();
        _stop.Dispose();
    }
}
