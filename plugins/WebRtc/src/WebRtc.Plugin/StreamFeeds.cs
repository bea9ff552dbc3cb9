using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Shared;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Whep;

namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>
/// One <see cref="VideoFeed"/> per hub stream a viewer asked for, fed by a hub subscription in a supervised
/// background loop. A grid asks for <c>camera/{id}/sub</c>; when the hub has no such stream, the main
/// <c>camera/{id}</c> is served instead (the name answered says which). A feed without viewers lets its hub
/// subscription go after <see cref="FeedIdle"/> (no viewer and no new request), so an ingest that pulls a stream only
/// while it has a subscriber (sub streams) can stop it. An H.265 camera for a browser without H.265 is served from
/// the media plugin's H.264 copy (<see cref="TranscodedAsync"/>).
/// </summary>
internal sealed class StreamFeeds(IPluginContext context)
{
    internal static readonly TimeSpan FeedIdle = TimeSpan.FromSeconds(10);
    private readonly OnDemandStreams _onDemand = new(context.Streams, context.Time);
    private readonly object _gate = new();
    private readonly Dictionary<string, WhepStream> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _resolvedAt = new(StringComparer.Ordinal);

    public WhepStream? Resolve(string requested)
    {
        var streams = context.Streams.Streams;
        var name = requested;
        var descriptor = streams.FirstOrDefault(s => s.Name == name);
        if (descriptor is null && name.EndsWith("/sub", StringComparison.Ordinal))
        {
            name = name[..^4];
            descriptor = streams.FirstOrDefault(s => s.Name == name);
        }
        if (descriptor is null) return null;
        var video = descriptor.Tracks.FirstOrDefault(t => t.Codec is MediaCodec.H264 or MediaCodec.H265);
        if (video is null) return null;
        var audio = descriptor.Tracks.FirstOrDefault(t => t.Codec is MediaCodec.Pcmu or MediaCodec.Pcma && t.ClockRate == 8000);
        lock (_gate)
        {
            _resolvedAt[name] = context.Time.GetUtcNow();
            if (_feeds.TryGetValue(name, out var existing)) return existing;
            var source = new MediaSourceDescription(video.Codec == MediaCodec.H265 ? "H265" : "H264",
                audio is null ? null : audio.Codec == MediaCodec.Pcmu ? "PCMU" : "PCMA");
            var stream = new WhepStream(name, source, new VideoFeed());
            _feeds[name] = stream;
            var track = video.Index;
            var audioTrack = audio?.Index ?? -1;
            context.RunBackground($"webrtc feed {name}", ct => PumpAsync(name, track, audioTrack, stream.Feed, ct));
            return stream;
        }
    }

    /// <summary>
    /// The H.264 copy of an H.265 camera stream for a browser without H.265: the media plugin's <c>camera/{id}/h264</c>
    /// (of the main stream; a grid's sub stream falls back to it too), made only while watched, so asked for on demand.
    /// </summary>
    public async ValueTask<WhepStream?> TranscodedAsync(string requested, CancellationToken cancellationToken)
    {
        var main = requested.EndsWith("/sub", StringComparison.Ordinal) ? requested[..^4] : requested;
        if (!main.StartsWith("camera/", StringComparison.Ordinal) || main.Count(c => c == '/') != 1) return null;
        var copy = main + "/h264";
        var descriptor = await _onDemand.AwaitAsync(copy, name => context.Streams.Streams.FirstOrDefault(s => s.Name == name), cancellationToken);
        return descriptor is null || descriptor.Tracks.All(t => t.Codec != MediaCodec.H264) ? null : Resolve(copy);
    }

    private async Task PumpAsync(string name, int track, int audioTrack, VideoFeed feed, CancellationToken hostToken)
    {
        using var subscription = context.Streams.Subscribe(name);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(hostToken);
        var watch = EndWhenUnwatchedAsync(name, feed, idle);
        try
        {
            await PumpUnitsAsync(subscription, track, audioTrack, feed, idle.Token);
        }
        finally
        {
            idle.Cancel();
            await watch;
        }
    }

    /// <summary>Forgets the feed (and so ends its pump) once it has had no viewer and no request for <see cref="FeedIdle"/>.</summary>
    private async Task EndWhenUnwatchedAsync(string name, VideoFeed feed, CancellationTokenSource pump)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), context.Time, pump.Token);
                lock (_gate)
                {
                    if (feed.ViewerCount > 0) _resolvedAt[name] = context.Time.GetUtcNow();
                    else if (context.Time.GetUtcNow() - _resolvedAt.GetValueOrDefault(name) >= FeedIdle)
                    {
                        _feeds.Remove(name);
                        _resolvedAt.Remove(name);
                        pump.Cancel();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PumpUnitsAsync(IStreamSubscription subscription, int track, int audioTrack, VideoFeed feed, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            AccessUnit unit;
            try
            {
                unit = await subscription.ReadAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (unit.Track == track) feed.Push(unit.Payload.Span, unit.Timestamp, unit.IsKeyframe);
                else if (unit.Track == audioTrack) feed.PushAudio(unit.Payload.Span, unit.Timestamp);
            }
            finally
            {
                unit.Release();
            }
        }
    }
}
