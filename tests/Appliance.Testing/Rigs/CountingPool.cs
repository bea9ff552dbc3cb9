using System.Buffers;

namespace Appliance.Testing;

/// <summary>An ArrayPool that counts buffers out, to prove every AccessUnit was released (hub, ingest and packetizer tests).</summary>
public sealed class CountingPool : ArrayPool<byte>
{
    private long _outstanding;

    public long Outstanding => Interlocked.Read(ref _outstanding);

    public override byte[] Rent(int minimumLength)
    {
        Interlocked.Increment(ref _outstanding);
        return Shared.Rent(minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Decrement(ref _outstanding);
        Shared.Return(array, clearArray);
    }
}
