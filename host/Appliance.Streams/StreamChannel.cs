using Appliance.Abstractions.Media;

namespace Appliance.Streams;

/// <summary>
/// One named stream: its current publisher, the GOP cache (every unit since the last keyframe of the key
/// track, so a late joiner starts at a keyframe) and the subscribers. Lock order: hub, then channel, then subscription.
/// </summary>
internal sealed class StreamChannel
{
    private readonly object _gate = new();
    private readonly StreamHub _hub;
    private readonly StreamHubOptions _options;
    private readonly List<AccessUnit> _gop = new();
    private StreamSubscription[] _subscribers = [];
    private StreamPublisher? _publisher;
    private StreamDescriptor? _descriptor;
    private int _keyTrack = -1;
    private long _gopBytes;
    private bool _gopOverflow;
    private int _publishersAttached;
    private long _unitsWritten;

    public StreamChannel(StreamHub hub, string name, StreamHubOptions options)
    {
        _hub = hub;
        Name = name;
        _options = options;
    }

    public string Name { get; }

    /// <summary>The last descriptor (kept across publisher changes so subscribers still see the tracks).</summary>
    public StreamDescriptor? Descriptor => Volatile.Read(ref _descriptor);

    public StreamDescriptor? PublishedDescriptor
    {
        get { lock (_gate) return _publisher is null ? null : _descriptor; }
    }

    public bool IsIdle
    {
        get { lock (_gate) return _publisher is null && _subscribers.Length == 0; }
    }

    public StreamStatistics Statistics()
    {
        lock (_gate)
            return new StreamStatistics(Name, _publisher is not null, _publishersAttached, _subscribers.Length, _unitsWritten, _gop.Count);
    }

    public StreamPublisher AttachPublisher(StreamDescriptor descriptor)
    {
        lock (_gate)
        {
            if (_publisher is not null)
                throw new InvalidOperationException($"stream '{Name}' already has a publisher");
            _publisher = new StreamPublisher(this);
            _publishersAttached++;
            SetDescriptorLocked(descriptor);
            return _publisher;
        }
    }

    public StreamSubscription AddSubscriber(int capacity)
    {
        lock (_gate)
        {
            var subscription = new StreamSubscription(this, capacity);
            // Join at the cached keyframe if the whole GOP fits the queue; otherwise wait for the next keyframe.
            if (_gop.Count > 0 && _gop.Count <= capacity) subscription.Prime(_gop);
            var grown = new StreamSubscription[_subscribers.Length + 1];
            _subscribers.CopyTo(grown, 0);
            grown[^1] = subscription;
            _subscribers = grown;
            return subscription;
        }
    }

    public void RemoveSubscriber(StreamSubscription subscription)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, subscription);
            if (index < 0) return;
            var shrunk = new StreamSubscription[_subscribers.Length - 1];
            Array.Copy(_subscribers, 0, shrunk, 0, index);
            Array.Copy(_subscribers, index + 1, shrunk, index, _subscribers.Length - index - 1);
            _subscribers = shrunk;
        }
        _hub.RemoveIfIdle(this);
    }

    public void Update(StreamPublisher publisher, StreamDescriptor descriptor)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_publisher, publisher)) throw new ObjectDisposedException(nameof(IStreamPublisher));
            if (!string.Equals(descriptor.Name, Name, StringComparison.Ordinal))
                throw new ArgumentException($"descriptor name '{descriptor.Name}' differs from the published stream '{Name}'", nameof(descriptor));
            SetDescriptorLocked(descriptor);
        }
    }

    /// <summary>Fans <paramref name="unit"/> out; consumes the caller's reference in every case.</summary>
    public void Write(StreamPublisher publisher, AccessUnit unit)
    {
        try
        {
            lock (_gate)
            {
                if (!ReferenceEquals(_publisher, publisher)) throw new ObjectDisposedException(nameof(IStreamPublisher));
                _unitsWritten++;
                var key = unit.IsKeyframe && (_keyTrack < 0 || unit.Track == _keyTrack);
                CacheLocked(unit, key);
                var subscribers = _subscribers;
                for (var i = 0; i < subscribers.Length; i++) subscribers[i].Offer(unit, key);
            }
        }
        finally
        {
            unit.Release();
        }
    }

    public void DetachPublisher(StreamPublisher publisher)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_publisher, publisher)) return;
            _publisher = null;
            ClearGopLocked();
        }
        _hub.RemoveIfIdle(this);
    }

    private void CacheLocked(AccessUnit unit, bool key)
    {
        if (key)
        {
            ClearGopLocked();
            _gopOverflow = false;
        }
        if (_gopOverflow || _gop.Count == 0 && !key) return;
        unit.Retain();
        _gop.Add(unit);
        _gopBytes += unit.Length;
        if (_gop.Count > _options.MaxGopUnits || _gopBytes > _options.MaxGopBytes)
        {
            ClearGopLocked();
            _gopOverflow = true;
        }
    }

    private void ClearGopLocked()
    {
        foreach (var cached in _gop) cached.Release();
        _gop.Clear();
        _gopBytes = 0;
    }

    private void SetDescriptorLocked(StreamDescriptor descriptor)
    {
        Volatile.Write(ref _descriptor, descriptor);
        _keyTrack = -1;
        foreach (var track in descriptor.Tracks)
        {
            if (track.Codec is MediaCodec.H264 or MediaCodec.H265)
            {
                _keyTrack = track.Index;
                break;
            }
        }
    }
}
