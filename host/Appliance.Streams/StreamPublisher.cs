using Appliance.Abstractions.Media;

namespace Appliance.Streams;

internal sealed class StreamPublisher(StreamChannel channel) : IStreamPublisher
{
    private int _disposed;

    public void Update(StreamDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        channel.Update(this, descriptor);
    }

    public void Write(AccessUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (Volatile.Read(ref _disposed) != 0)
        {
            unit.Release();
            throw new ObjectDisposedException(nameof(IStreamPublisher));
        }
        channel.Write(this, unit);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) channel.DetachPublisher(this);
    }
}
