namespace Appliance.Abstractions.Media;

/// <summary>
/// Streams by name. One publisher per name feeds any number of subscribers without re-encoding;
/// a subscriber joins at the last keyframe (GOP cache) and one that falls behind skips to the next
/// keyframe rather than slowing the publisher.
/// </summary>
public interface IStreamHub
{
    /// <summary>Claims <paramref name="descriptor"/>.Name; fails if another publisher holds it.</summary>
    IStreamPublisher Publish(StreamDescriptor descriptor);

    /// <summary>Subscribes to a stream by name (it may not exist yet: units flow once it is published).</summary>
    IStreamSubscription Subscribe(string name, int capacity = 256);

    IReadOnlyList<StreamDescriptor> Streams { get; }

    /// <summary>How many subscriptions <paramref name="name"/> has now (0 for an unknown name), so a producer can
    /// encode a derived stream only while someone watches. The default exists for 1.0 test doubles; the host implements it.</summary>
    int SubscriberCount(string name) => throw new NotSupportedException("IStreamHub.SubscriberCount needs HostApi 1.1");
}

public interface IStreamPublisher : IDisposable
{
    /// <summary>Replaces the descriptor (e.g. after a reconnect with new parameter sets).</summary>
    void Update(StreamDescriptor descriptor);

    /// <summary>Hands a unit to every subscriber. The hub takes over the caller's reference.</summary>
    void Write(AccessUnit unit);
}

public interface IStreamSubscription : IDisposable
{
    StreamDescriptor? Descriptor { get; }

    /// <summary>Next unit; the caller owns one reference and must <see cref="AccessUnit.Release()"/> it.</summary>
    ValueTask<AccessUnit> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Units dropped because this subscriber was too slow.</summary>
    long Dropped { get; }
}
