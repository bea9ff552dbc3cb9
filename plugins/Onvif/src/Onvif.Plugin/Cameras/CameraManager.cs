using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>
/// Keeps one <see cref="CameraSession"/> per enabled camera with an ONVIF URI, following the inventory: a camera whose
/// connection settings change is restarted; a change of its stream URI alone (which we set ourselves) is not.
/// Owns the session tasks and awaits them all when stopped.
/// </summary>
public sealed class CameraManager(IPluginContext context, HttpClient http, bool pullPoint, CertificatePins pins)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Running> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly List<Running> _stopping = [];
    private IReadOnlyList<CameraInfo> _cameras = [];

    private sealed record Running(CameraSession Session, CancellationTokenSource Stop, Task Task, string Fingerprint);

    /// <summary>Called by the inventory watch (any thread).</summary>
    public void Update(IReadOnlyList<CameraInfo> cameras)
    {
        lock (_lock) _cameras = cameras;
        _changed.Release();
    }

    public CameraSession? Find(string cameraId)
    {
        lock (_lock) return _sessions.TryGetValue(cameraId, out var r) ? r.Session : null;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                Reconcile(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            List<Running> all;
            lock (_lock)
            {
                all = _sessions.Values.Concat(_stopping).ToList();
                _sessions.Clear();
                _stopping.Clear();
            }
            foreach (var r in all) await r.Stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(all.Select(r => r.Task)).ConfigureAwait(false);
            foreach (var r in all) r.Stop.Dispose();
        }
    }

    private void Reconcile(CancellationToken cancellationToken)
    {
        List<Running> stopped = [];
        lock (_lock)
        {
            var wanted = _cameras.Where(c => c.Enabled && !string.IsNullOrWhiteSpace(c.OnvifUri))
                .ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var (id, running) in _sessions.ToList())
            {
                if (wanted.TryGetValue(id, out var camera) && Fingerprint(camera) == running.Fingerprint) continue;
                _sessions.Remove(id);
                stopped.Add(running);
                _stopping.Add(running);
            }
            foreach (var (id, camera) in wanted)
            {
                if (_sessions.ContainsKey(id)) continue;
                // A camera on https:// gets a client of its own whose certificate check knows the camera (trust on first use).
                var own = PinnedHttp.IsHttps(camera.OnvifUri) ? PinnedHttp.Create(pins, id) : null;
                var session = new CameraSession(camera, own ?? http, context, pullPoint, pins);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _sessions[id] = new Running(session, stop, Task.Run(() => RunSessionAsync(session, own, stop.Token), CancellationToken.None), Fingerprint(camera));
                context.Logger.Info("onvif: watching camera {Camera} at {Uri}", id, camera.OnvifUri);
            }
        }
        foreach (var r in stopped)
        {
            r.Stop.Cancel();
            context.Health.Clear(r.Session.HealthComponent);
        }
        lock (_lock)
        {
            foreach (var done in _stopping.Where(r => r.Task.IsCompleted)) done.Stop.Dispose();
            _stopping.RemoveAll(r => r.Task.IsCompleted);
        }
    }

    /// <summary>Stops a camera's session and starts it again at once (e.g. after its certificate was pinned).</summary>
    public bool Restart(string cameraId)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(cameraId, out var running)) return false;
            _stopping.Add(running);
            running.Stop.Cancel();
        }
        _changed.Release();
        return true;
    }

    private async Task RunSessionAsync(CameraSession session, HttpClient? own, CancellationToken cancellationToken)
    {
        using var disposeOwn = own;
        try
        {
            await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            context.Health.Report(session.HealthComponent, HealthState.Unhealthy, $"session crashed: {ex.Message}");
            context.Logger.Error(ex, "onvif: camera {Camera} session crashed", session.Camera.Id);
        }
    }

    /// <summary>What requires a reconnect when it changes: everything but the stream URI.</summary>
    private static string Fingerprint(CameraInfo c) =>
        string.Join('\u001f', c.OnvifUri, c.Username, c.Password, c.Overrides.HttpPort, c.Overrides.RtspPort, c.Overrides.Profile);
}
