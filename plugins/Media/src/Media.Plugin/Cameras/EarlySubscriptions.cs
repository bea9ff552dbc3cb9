using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.Plugin.Diagnostics;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>
/// The enabled cameras' streams, subscribed first thing at start, before FFmpeg loads and the codecs are probed:
/// in an isolated media process the subscription's set-up and the camera's cached GOP then arrive while those run
/// (after a crash this is part of the time until snapshots are back). Each camera's pipeline takes its own
/// subscription once; what no pipeline took is dropped by <see cref="Dispose"/>. Thread-safe.
/// </summary>
internal sealed class EarlySubscriptions : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IStreamSubscription> _waiting = new(StringComparer.Ordinal);

    public EarlySubscriptions(IStreamHub hub, IEnumerable<string> cameraIds, StartupTimeline startup)
    {
        foreach (var id in cameraIds)
        {
            startup.Mark($"camera/{id} subscribed");
            _waiting[id] = hub.Subscribe($"camera/{id}");
        }
    }

    /// <summary>The subscription made at start for <paramref name="cameraId"/>, once; null when there is none (any more).</summary>
    public IStreamSubscription? Take(string cameraId)
    {
        lock (_gate) return _waiting.Remove(cameraId, out var subscription) ? subscription : null;
    }

    public void Dispose()
    {
        List<IStreamSubscription> left;
        lock (_gate)
        {
            left = [.. _waiting.Values];
            _waiting.Clear();
        }
        foreach (var subscription in left) subscription.Dispose();
    }
}
