using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Shared;

/// <summary>
/// Streams another plugin makes only while the hub counts a subscriber for them (the media plugin's
/// <c>camera/{id}/sd</c> and <c>camera/{id}/h264</c>, <see cref="IStreamHub.SubscriberCount"/>): a request for such a
/// name (an RTSP DESCRIBE, a WHEP offer), not published yet, would otherwise fail before anybody could ask for it.
/// Only a sub-name of a published stream (<c>{published}/{one more segment}</c>) is asked for: the consumer subscribes
/// to it (that is the asking), waits up to <see cref="Wait"/> for it to appear with its parameter sets, and keeps the
/// subscription <see cref="Hold"/> longer so the producer does not withdraw the stream before the viewer's own
/// subscription starts (an RTSP client's PLAY, a WHEP feed).
/// </summary>
internal sealed class OnDemandStreams(IStreamHub hub, TimeProvider time)
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public async ValueTask<StreamDescriptor?> AwaitAsync(string name, Func<string, StreamDescriptor?> find, CancellationToken cancellationToken)
    {
        if (find(name) is { } published) return published;
        var parent = name.LastIndexOf('/');
        if (parent <= 0 || find(name[..parent]) is null) return null;
        var demand = hub.Subscribe(name, capacity: 4);
        _ = ReleaseLaterAsync(demand);
        var deadline = time.GetUtcNow() + Wait;
        StreamDescriptor? seen = null;
        while (time.GetUtcNow() < deadline)
        {
            seen = find(name);
            if (seen is not null && seen.Tracks.All(t => t.Parameters.Count > 0)) return seen;
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
        return seen ?? find(name);
    }

    private async Task ReleaseLaterAsync(IStreamSubscription demand)
    {
        try
        {
            await Task.Delay(Wait + Hold, time).ConfigureAwait(false);
        }
        finally
        {
            demand.Dispose();
        }
    }
}
