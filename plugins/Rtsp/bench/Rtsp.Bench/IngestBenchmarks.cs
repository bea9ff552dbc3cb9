using System.Buffers;
using System.Buffers.Binary;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Streams;
using BenchmarkDotNet.Attributes;

namespace Appliance.Plugins.Rtsp.Bench;

/// <summary>
/// The per-packet ingest path, in process: RTP parse, reception statistics, reorder window, timestamp unwrap,
/// H.264 depacketization into pooled access units, hub fan-out to two subscribers that drain at once.
/// Baseline: copying each payload once (the least any ingest does). Allocated is per packet.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 6)]
public class IngestBenchmarks
{
    private const int Packets = 1000;
    private List<byte[]> _packets = null!;
    private int[] _frameOfPacket = null!;
    private byte[] _scratch = null!;
    private RtpTrackReceiver _receiver = null!;
    private AccessUnitPool _units = null!;
    private IStreamPublisher _publisher = null!;
    private StreamSubscription[] _subscriptions = null!;
    private byte[] _interleaved = null!;
    private int[] _interleavedOffsets = null!;
    private int _next;
    private ushort _sequence;
    private uint _clipTimestamp;

    [GlobalSetup]
    public void Setup()
    {
        var clip = CannedClip.Create();
        _packets = clip.RtpPackets(0, 0, 0x42);
        _frameOfPacket = clip.Frames.SelectMany((f, i) => f.Select(_ => i)).ToArray();
        _scratch = new byte[2048];
        var hub = new StreamHub();
        var track = new SdpTrack(0, "video", 96, MediaCodec.H264, "H264", 90000, null, "rtsp://bench/cam/stream=0",
            new Dictionary<string, string>(), [clip.Sps, clip.Pps]);
        _publisher = hub.Publish(new StreamDescriptor("camera/bench", [track.ToMediaTrack()]));
        _subscriptions = [(StreamSubscription)hub.Subscribe("camera/bench", 1024), (StreamSubscription)hub.Subscribe("camera/bench", 1024)];
        _units = new AccessUnitPool(IngestBufferPool.Create()); // one per plugin instance, as in RtspPlugin
        var depacketizer = new H264Depacketizer(0, _units, new HubSink(_publisher, _subscriptions), [clip.Sps, clip.Pps]);
        _receiver = new RtpTrackReceiver(track, depacketizer, TimeProvider.System);
        // The same packets as they arrive on an RTSP/TCP connection: '$' channel length payload.
        var frames = new List<byte>();
        var offsets = new List<int>();
        foreach (var p in _packets)
        {
            offsets.Add(frames.Count);
            frames.AddRange([(byte)'$', 0, (byte)(p.Length >> 8), (byte)p.Length]);
            frames.AddRange(p);
        }
        _interleaved = frames.ToArray();
        _interleavedOffsets = offsets.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _receiver.Dispose();
        foreach (var s in _subscriptions) s.Dispose();
        _publisher.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public int CopyPayloadOnce()
    {
        var sum = 0;
        for (var i = 0; i < Packets; i++)
        {
            var p = NextPacket(out _);
            p.AsSpan(12).CopyTo(_scratch);
            sum += _scratch[0];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public void RtpPacketToHub()
    {
        for (var i = 0; i < Packets; i++) _receiver.OnRtpDatagram(NextPacket(out _));
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public void InterleavedTcpToHub()
    {
        for (var i = 0; i < Packets; i++)
        {
            NextPacket(out var index);
            var length = _packets[index].Length + 4;
            var sequence = new ReadOnlySequence<byte>(_interleaved, _interleavedOffsets[index], length);
            var item = RtspMessageReader.TryRead(ref sequence, RtspParserLimits.Default);
            _receiver.OnRtpDatagram(item.Payload.FirstSpan);
        }
    }

    /// <summary>
    /// Exact bytes allocated on this thread (the whole path runs on it) by <paramref name="rounds"/> x 1000 packets
    /// through each path after a warm-up: BenchmarkDotNet rounds its per-operation figure, this does not.
    /// </summary>
    public static (long RtpBytes, long InterleavedBytes, long Packets, long UnitObjects, long Frames) CountSteadyStateAllocations(int rounds)
    {
        var bench = new IngestBenchmarks();
        bench.Setup();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                bench.RtpPacketToHub();
                bench.InterleavedTcpToHub();
            }
            var frames0 = bench._receiver.Depacketizer.Counters.UnitsEmitted;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < rounds; i++) bench.RtpPacketToHub();
            var rtp = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < rounds; i++) bench.InterleavedTcpToHub();
            var interleaved = GC.GetAllocatedBytesForCurrentThread() - before;
            var frames = bench._receiver.Depacketizer.Counters.UnitsEmitted - frames0;
            return (rtp, interleaved, (long)rounds * Packets, bench._units.Created, frames);
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>The next clip packet, its sequence number and timestamp rewritten so the stream goes on forever.</summary>
    private byte[] NextPacket(out int index)
    {
        index = _next;
        var packet = _packets[index];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _clipTimestamp + (uint)(_frameOfPacket[index] * CannedClip.TicksPerFrame));
        if (index < _interleavedOffsets.Length)
            packet.AsSpan(0, 12).CopyTo(_interleaved.AsSpan(_interleavedOffsets[index] + 4));
        if (++_next == _packets.Count)
        {
            _next = 0;
            _clipTimestamp += (uint)((_frameOfPacket[^1] + 1) * CannedClip.TicksPerFrame);
        }
        return packet;
    }

    /// <summary>Publishes into the hub and drains the subscribers right away (they are never slow here).</summary>
    private sealed class HubSink(IStreamPublisher publisher, StreamSubscription[] subscriptions) : IAccessUnitSink
    {
        public void OnAccessUnit(AccessUnit unit)
        {
            publisher.Write(unit);
            foreach (var s in subscriptions)
                while (s.TryRead(out var u)) u!.Release();
        }
    }
}
