using System.Buffers;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

/// <summary>
/// Buffers for access units. <see cref="ArrayPool{T}.Shared"/> keeps only a few arrays per size per core, but an
/// ingest holds a whole GOP per stream in the hub's cache (dozens of frame-sized buffers per camera): past that
/// it allocates on every frame. This pool keeps enough arrays for many cameras' GOPs, so the steady state is
/// allocation-free. One per plugin instance (no static state); it holds at most what was in use at the peak.
/// </summary>
public static class IngestBufferPool
{
    public static ArrayPool<byte> Create(int maxArraysPerBucket = 4096) =>
        ArrayPool<byte>.Create(maxArrayLength: RtpDepacketizerLimits.MaxUnitBytes, maxArraysPerBucket: maxArraysPerBucket);
}

internal static class RtpDepacketizerLimits
{
    public const int MaxUnitBytes = Depacketizers.RtpDepacketizer.MaxUnitBytes;
}
