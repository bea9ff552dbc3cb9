using Xunit;
using Appliance.Plugins.Rtsp.Bench;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>
/// The ingest path's claim of zero steady-state allocations per packet (RTP parse, reorder, H.264
/// depacketization into pooled access units, hub fan-out), counted exactly on the thread that runs it, with the
/// same code the benchmark measures.
/// </summary>
public sealed class IngestAllocationTests
{
    [Fact]
    public void The_ingest_path_allocates_nothing_per_packet_once_warm()
    {
        var (rtp, interleaved, packets, unitObjects, frames) = IngestBenchmarks.CountSteadyStateAllocations(rounds: 20);

        Assert.True(packets >= 20_000, $"only {packets} packets went through");
        Assert.True(frames > unitObjects, $"{frames} frames needed {unitObjects} access-unit objects: the pool does not recycle");
        Assert.Equal(0, rtp);
        Assert.Equal(0, interleaved);
    }
}
