using System.Collections.Concurrent;
using Appliance.Abstractions;

namespace Appliance.Testing.Plugins;

/// <summary>
/// The camera inventory as a plugin sees it: a list the test sets (watchers told at once and on every change), the
/// stream URIs a plugin sets (kept in order and written into the list, a sub stream only where no override names
/// one), and the stream health it reports, by camera.
/// </summary>
public sealed class CamerasDouble : ICameraDirectory
{
    private readonly Lock _gate = new();
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = [];
    private readonly ConcurrentQueue<(string Id, string Uri)> _streamUris = new();
    private readonly ConcurrentQueue<(string Id, string Uri)> _subStreamUris = new();
    private IReadOnlyList<CameraInfo> _cameras = [];

    public ConcurrentDictionary<string, StreamHealth> Health { get; } = new();
    public ConcurrentDictionary<string, StreamHealth> SubHealth { get; } = new();
    public IReadOnlyList<(string Id, string Uri)> StreamUrisSet => _streamUris.ToArray();
    public IReadOnlyList<(string Id, string Uri)> SubStreamUrisSet => _subStreamUris.ToArray();

    public int Watchers
    {
        get
        {
            lock (_gate) return _watchers.Count;
        }
    }

    /// <summary>A camera with only an id (its name too), enabled, no URIs.</summary>
    public static CameraInfo Named(string id) => new(id, id, true, null, null, null, null, new CameraOverrides());

    public void Set(params CameraInfo[] cameras)
    {
        Action<IReadOnlyList<CameraInfo>>[] watchers;
        lock (_gate)
        {
            _cameras = [.. cameras];
            watchers = [.. _watchers];
        }
        foreach (var w in watchers) w(cameras);
    }

    public IReadOnlyList<CameraInfo> List()
    {
        lock (_gate) return _cameras;
    }

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        lock (_gate) _watchers.Add(onChanged);
        onChanged(List());
        return new Unwatch(this, onChanged);
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default)
    {
        _streamUris.Enqueue((cameraId, streamUri));
        Set([.. List().Select(c => c.Id == cameraId ? c with { StreamUri = streamUri } : c)]);
        return Task.CompletedTask;
    }

    public Task SetSubStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default)
    {
        _subStreamUris.Enqueue((cameraId, streamUri));
        Set([.. List().Select(c => c.Id == cameraId && c.Overrides.SubStreamUri is null ? c with { Overrides = c.Overrides with { SubStreamUri = streamUri } } : c)]);
        return Task.CompletedTask;
    }

    public void ReportStreamHealth(string cameraId, StreamHealth health) => Health[cameraId] = health;

    public void ReportSubStreamHealth(string cameraId, StreamHealth health) => SubHealth[cameraId] = health;

    private sealed class Unwatch(CamerasDouble owner, Action<IReadOnlyList<CameraInfo>> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._watchers.Remove(handler);
        }
    }
}
