using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>The camera inventory as a plugin sees it; its watches end when the plugin stops.</summary>
internal sealed class PluginCameraDirectory(CameraStore store) : ICameraDirectory, IDisposable
{
    private readonly List<IDisposable> _watches = [];
    private readonly object _gate = new();

    public IReadOnlyList<CameraInfo> List() => store.List();

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        var watch = store.Watch(onChanged);
        lock (_gate) _watches.Add(watch);
        return watch;
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) =>
        store.SetStreamUriAsync(cameraId, streamUri);

    public void ReportStreamHealth(string cameraId, StreamHealth health) => store.ReportStreamHealth(cameraId, health);

    public Task SetSubStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) =>
        store.SetSubStreamUriAsync(cameraId, streamUri);

    public void ReportSubStreamHealth(string cameraId, StreamHealth health) => store.ReportSubStreamHealth(cameraId, health);

    public void Dispose()
    {
        IDisposable[] all;
        lock (_gate)
        {
            all = _watches.ToArray();
            _watches.Clear();
        }
        foreach (var w in all) w.Dispose();
    }
}
