using Appliance.Abstractions.Media;

namespace Appliance.Streams;

/// <summary>
/// The single <see cref="IStreamHub"/> of the appliance: streams by name, one publisher each, any number of
/// subscribers. Subscriptions outlive publishers: a publisher that goes away and comes back (a camera
/// reconnect) keeps feeding the same subscriptions, so consumers see one continuous stream.
/// </summary>
public sealed class StreamHub : IStreamHub
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StreamChannel> _channels = new(StringComparer.Ordinal);
    private readonly StreamHubOptions _options;

    public StreamHub(StreamHubOptions? options = null) => _options = options ?? new StreamHubOptions();

    public IStreamPublisher Publish(StreamDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentException.ThrowIfNullOrWhiteSpace(descriptor.Name);
        lock (_gate)
        {
            var channel = GetOrCreate(descriptor.Name);
            return channel.AttachPublisher(descriptor);
        }
    }

    public IStreamSubscription Subscribe(string name, int capacity = 256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (_gate)
        {
            var channel = GetOrCreate(name);
            return channel.AddSubscriber(capacity);
        }
    }

    public IReadOnlyList<StreamDescriptor> Streams
    {
        get
        {
            lock (_gate)
            {
                var list = new List<StreamDescriptor>(_channels.Count);
                foreach (var channel in _channels.Values)
                    if (channel.PublishedDescriptor is { } descriptor) list.Add(descriptor);
                return list;
            }
        }
    }

    /// <summary>Counters of one stream (publishers attached so far, live subscribers, units written), or null.</summary>
    public StreamStatistics? GetStatistics(string name)
    {
        lock (_gate)
            return _channels.TryGetValue(name, out var channel) ? channel.Statistics() : null;
    }

    /// <inheritdoc />
    public int SubscriberCount(string name) => GetStatistics(name)?.Subscribers ?? 0;

    /// <summary>Called by a channel when it has neither publisher nor subscribers.</summary>
    internal void RemoveIfIdle(StreamChannel channel)
    {
        lock (_gate)
        {
            if (channel.IsIdle && _channels.TryGetValue(channel.Name, out var current) && ReferenceEquals(current, channel))
                _channels.Remove(channel.Name);
        }
    }

    private StreamChannel GetOrCreate(string name)
    {
        if (!_channels.TryGetValue(name, out var channel))
        {
            channel = new StreamChannel(this, name, _options);
            _channels.Add(name, channel);
        }
        return channel;
    }
}

/// <summary>Limits of the hub. The GOP cache is dropped (late joiners then wait for the next keyframe) past either limit.</summary>
public sealed record StreamHubOptions(int MaxGopUnits = 2048, long MaxGopBytes = 64L * 1024 * 1024);

/// <summary>What the hub knows about one stream.</summary>
public sealed record StreamStatistics(string Name, bool Published, int PublishersAttached, int Subscribers, long UnitsWritten, int GopUnits);
