using System.Collections.Concurrent;
using Appliance.Abstractions.Media;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Rings;
using Appliance.Isolation.Wire;
using Appliance.Streams;

namespace Appliance.PluginHost;

/// <summary>
/// The stream hub inside the child. A stream the plugin subscribes to is imported once from the host's ring into a
/// local hub, so any number of the plugin's subscribers share one copy; a stream the plugin publishes is written
/// into a ring of its own that the host reads into the appliance's hub (e.g. <c>camera/{id}/sd</c>).
/// </summary>
internal sealed class RemoteStreamHub(HostLink host, string ringFolder, Action<string> onCorrupt) : IStreamHub, IAsyncDisposable
{
    private readonly StreamHub _local = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, (int Handle, IStreamPublisher Publisher, RingPump Pump)> _imports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, RingPump> _pumps = new();
    private readonly List<RemotePublisher> _publishers = [];
    private int _nextHandle;
    private int _nextRing;

    public IStreamPublisher Publish(StreamDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var handle = Interlocked.Increment(ref _nextHandle);
        var ring = (uint)Interlocked.Increment(ref _nextRing);
        var writer = RingWriter.Create(Path.Combine(ringFolder, $"child-{Environment.ProcessId}-{ring}.ring"));
        try
        {
            host.Call(Ops.StreamPublish, new StreamPublishArgs(handle, descriptor, writer.Path, ring));
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        var publisher = new RemotePublisher(host, handle, ring, writer);
        lock (_gate) _publishers.Add(publisher);
        return publisher;
    }

    public IStreamSubscription Subscribe(string name, int capacity = 256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (!_imports.ContainsKey(name)) _imports[name] = Import(name);
        }
        return _local.Subscribe(name, capacity);
    }

    public IReadOnlyList<StreamDescriptor> Streams => host.Call<List<StreamDescriptor>>(Ops.StreamList, new { });

    /// <summary>Subscribers on the host's hub (where a stream this plugin publishes is watched).</summary>
    public int SubscriberCount(string name) => host.Call<int>(Ops.StreamSubscribers, new StreamNameArgs(name));

    public void Tick(uint ring)
    {
        if (_pumps.TryGetValue(ring, out var pump)) pump.Wake();
    }

    public void DescriptorChanged(StreamDescriptorArgs args)
    {
        lock (_gate)
            foreach (var import in _imports.Values)
                if (import.Handle == args.Handle) import.Publisher.Update(args.Descriptor);
    }

    private (int, IStreamPublisher, RingPump) Import(string name)
    {
        var handle = Interlocked.Increment(ref _nextHandle);
        var grant = host.Call<RingGrant>(Ops.StreamSubscribe, new StreamSubscribeArgs(handle, name));
        var reader = RingReader.Open(grant.Path);
        if (!reader.TryGetValue(out var opened, out var failure)) throw new IOException($"stream {name}: {failure}");
        var publisher = _local.Publish(grant.Descriptor ?? new StreamDescriptor(name, []));
        var pump = new RingPump(opened, unit =>
        {
            try
            {
                publisher.Write(unit);
            }
            catch (ObjectDisposedException)
            {
            }
        }, why => onCorrupt($"stream {name}: {why.Message}"));
        _pumps[grant.Ring] = pump;
        pump.Wake();
        return (handle, publisher, pump);
    }

    public async ValueTask DisposeAsync()
    {
        (int Handle, IStreamPublisher Publisher, RingPump Pump)[] imports;
        RemotePublisher[] publishers;
        lock (_gate)
        {
            imports = _imports.Values.ToArray();
            _imports.Clear();
            publishers = _publishers.ToArray();
            _publishers.Clear();
        }
        foreach (var import in imports)
        {
            await import.Pump.DisposeAsync();
            import.Publisher.Dispose();
        }
        foreach (var publisher in publishers) publisher.Dispose();
    }

    /// <summary>A stream the plugin publishes: each unit is copied once into the ring, then the host is told.</summary>
    private sealed class RemotePublisher(HostLink host, int handle, uint ring, RingWriter writer) : IStreamPublisher
    {
        private readonly object _gate = new();
        private bool _disposed;

        public void Update(StreamDescriptor descriptor) => host.Notify(Ops.StreamUpdate, new StreamDescriptorArgs(handle, descriptor));

        public void Write(AccessUnit unit)
        {
            ArgumentNullException.ThrowIfNull(unit);
            Appliance.Abstractions.Result<ulong> written;
            lock (_gate)
            {
                if (_disposed)
                {
                    unit.Release();
                    throw new ObjectDisposedException(nameof(IStreamPublisher));
                }
                written = writer.Write(unit);
            }
            unit.Release();
            if (written.IsOk) _ = host.Channel.RingTickAsync(ring, written.Value).AsTask();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
            }
            host.Notify(Ops.StreamUnpublish, new HandleArgs(handle));
            writer.Dispose();
        }
    }
}
