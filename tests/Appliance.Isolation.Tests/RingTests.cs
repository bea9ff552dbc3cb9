using System.Buffers;
using System.Buffers.Binary;
using Appliance.Abstractions.Media;
using Appliance.Isolation.Rings;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>The shared-memory stream ring alone: order, slow readers, and a hostile writer's ring.</summary>
public sealed class RingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appl-ring-").FullName;
    private readonly AccessUnitPool _pool = new(ArrayPool<byte>.Shared);

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static AccessUnit Unit(int n, bool key, int size = 100)
    {
        var unit = AccessUnit.Rent(ArrayPool<byte>.Shared, size, 0, n * 3600L, key);
        var bytes = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, n);
        unit.Append(bytes);
        return unit;
    }

    private static int NumberOf(AccessUnit unit) => BinaryPrimitives.ReadInt32LittleEndian(unit.Payload.Span);

    private static void WriteAll(RingWriter writer, IEnumerable<(int N, bool Key)> units, int size = 100)
    {
        foreach (var (n, key) in units)
        {
            var unit = Unit(n, key, size);
            Assert.True(writer.Write(unit).IsOk);
            unit.Release();
        }
    }

    private List<AccessUnit> Drain(RingReader reader)
    {
        var units = new List<AccessUnit>();
        while (reader.TryRead(_pool).Value is { } unit) units.Add(unit);
        return units;
    }

    [Fact]
    public void A_reader_gets_every_unit_in_order_with_its_fields()
    {
        using var writer = RingWriter.Create(PathOf("a"), slots: 16, dataSize: 64 * 1024);
        using var reader = RingReader.Open(writer.Path).Value;
        WriteAll(writer, Enumerable.Range(0, 10).Select(i => (i, i % 5 == 0)));
        var units = Drain(reader);
        Assert.Equal(Enumerable.Range(0, 10), units.Select(NumberOf));
        Assert.Equal(units.Select((_, i) => i % 5 == 0), units.Select(u => u.IsKeyframe));
        Assert.Equal(9 * 3600L, units[^1].Timestamp);
        Assert.Equal(0, reader.Dropped);
        units.ForEach(u => u.Release());
    }

    [Fact]
    public void Many_readers_read_the_same_ring_without_the_writer_knowing()
    {
        using var writer = RingWriter.Create(PathOf("b"), slots: 64, dataSize: 256 * 1024);
        using var first = RingReader.Open(writer.Path).Value;
        using var second = RingReader.Open(writer.Path).Value;
        WriteAll(writer, Enumerable.Range(0, 40).Select(i => (i, i == 0)));
        var a = Drain(first);
        var b = Drain(second);
        Assert.Equal(a.Select(NumberOf), b.Select(NumberOf));
        Assert.Equal(40, a.Count);
        a.Concat(b).ToList().ForEach(u => u.Release());
    }

    [Fact]
    public void A_slow_reader_skips_to_a_keyframe_and_the_writer_never_waits()
    {
        using var writer = RingWriter.Create(PathOf("c"), slots: 16, dataSize: 64 * 1024);
        using var reader = RingReader.Open(writer.Path).Value;
        // 100 units (keyframe every 10) while the reader sleeps: the writer laps the 16 slots many times.
        WriteAll(writer, Enumerable.Range(0, 100).Select(i => (i, i % 10 == 0)));
        Assert.Equal(100ul, writer.Written);
        var units = Drain(reader);
        Assert.NotEmpty(units);
        Assert.True(units[0].IsKeyframe, "after falling behind, a reader resumes at a keyframe");
        Assert.Equal(90, NumberOf(units[0]));
        Assert.Equal(Enumerable.Range(90, 10), units.Select(NumberOf));
        Assert.Equal(90, reader.Dropped);
        units.ForEach(u => u.Release());
    }

    [Fact]
    public void Data_overwritten_by_large_units_is_dropped_not_delivered_torn()
    {
        // Few bytes, many slots: the data area laps before the slots do.
        using var writer = RingWriter.Create(PathOf("d"), slots: 256, dataSize: 16 * 1024, maxUnit: 4096);
        using var reader = RingReader.Open(writer.Path).Value;
        WriteAll(writer, Enumerable.Range(0, 30).Select(i => (i, i % 7 == 0)), size: 3000);
        var units = Drain(reader);
        Assert.All(units, u => Assert.Equal(3000, u.Length));
        Assert.True(units[0].IsKeyframe);
        Assert.Equal(28, NumberOf(units[0]));
        Assert.Equal(new[] { 28, 29 }, units.Select(NumberOf));
        units.ForEach(u => u.Release());
    }

    [Fact]
    public void A_unit_larger_than_the_ring_allows_is_refused_and_nothing_is_written()
    {
        using var writer = RingWriter.Create(PathOf("e"), slots: 16, dataSize: 16 * 1024, maxUnit: 1000);
        var unit = Unit(1, true, 1001);
        Assert.Equal("too-large", writer.Write(unit).Failure!.Code);
        unit.Release();
        Assert.Equal(0ul, writer.Written);
        Assert.Equal(1, writer.Oversized);
    }

    // A hostile or broken writer: the reader maps the file and must not trust a single field of it.

    private static void Poke(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }

    private static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }

    [Fact]
    public void A_unit_that_runs_past_the_data_area_is_reported_corrupt()
    {
        using var writer = RingWriter.Create(PathOf("f"), slots: 16, dataSize: 16 * 1024, maxUnit: 4096);
        using var reader = RingReader.Open(writer.Path).Value;
        WriteAll(writer, [(0, true)]);
        // Slot 0 now claims its unit starts 100 bytes before the end of the data area and is 4000 bytes long.
        Poke(writer.Path, RingLayout.HeaderSize + RingLayout.SlotOffPosition, U64(16 * 1024 - 100));
        Poke(writer.Path, RingLayout.HeaderSize + RingLayout.SlotOffLength, U32(4000));
        Poke(writer.Path, RingLayout.OffDataHead, U64(1 << 20));
        var result = reader.TryRead(_pool);
        Assert.Equal("corrupt", result.Failure!.Code);
        Assert.Contains("runs past the ring's 16384-byte data area", result.Failure.Message);
        Assert.Equal("corrupt", reader.TryRead(_pool).Failure!.Code); // stays failed
    }

    [Theory]
    [InlineData("length", "over the ring's 4096-byte limit")]
    [InlineData("head", "past the data head")]
    [InlineData("flags", "undefined flags")]
    [InlineData("future", "past the write sequence")]
    public void Other_impossible_slot_contents_are_reported_corrupt(string fault, string message)
    {
        using var writer = RingWriter.Create(PathOf("g" + fault), slots: 16, dataSize: 16 * 1024, maxUnit: 4096);
        using var reader = RingReader.Open(writer.Path).Value;
        WriteAll(writer, [(0, true)]);
        var slot = RingLayout.HeaderSize;
        switch (fault)
        {
            case "length": Poke(writer.Path, slot + RingLayout.SlotOffLength, U32(uint.MaxValue)); break;
            case "head": Poke(writer.Path, RingLayout.OffDataHead, U64(10)); break;
            case "flags": Poke(writer.Path, slot + RingLayout.SlotOffFlags, [0x80, 0]); break;
            default: Poke(writer.Path, slot + RingLayout.SlotOffSequence, U64(1000)); break;
        }
        var result = reader.TryRead(_pool);
        Assert.Equal("corrupt", result.Failure!.Code);
        Assert.Contains(message, result.Failure.Message);
    }

    [Theory]
    [InlineData("magic", "not a stream ring")]
    [InlineData("version", "ring layout version 7 is not supported")]
    [InlineData("slots", "ring slot count 1 is outside")]
    [InlineData("data", "ring header says")]
    [InlineData("truncated", "ring file is")]
    public void A_ring_whose_header_lies_about_its_size_is_refused_at_open(string fault, string message)
    {
        var path = PathOf("h" + fault);
        using (RingWriter.Create(path, slots: 16, dataSize: 16 * 1024, deleteOnDispose: false)) { }
        switch (fault)
        {
            case "magic": Poke(path, RingLayout.OffMagic, U32(0xDEADBEEF)); break;
            case "version": Poke(path, RingLayout.OffVersion, U32(7)); break;
            case "slots": Poke(path, RingLayout.OffSlotCount, U32(1)); break;
            case "data": Poke(path, RingLayout.OffDataSize, U64(1 << 20)); break; // written past its size
            default:
                using (var f = new FileStream(path, FileMode.Open)) f.SetLength(1000);
                break;
        }
        var result = RingReader.Open(path);
        Assert.False(result.IsOk);
        Assert.Contains(message, result.Failure!.Message);
    }

    [Fact]
    public void A_missing_or_tiny_ring_file_is_unavailable_not_a_crash()
    {
        Assert.Equal("unavailable", RingReader.Open(PathOf("none")).Failure!.Code);
        File.WriteAllBytes(PathOf("tiny"), new byte[10]);
        Assert.Equal("unavailable", RingReader.Open(PathOf("tiny")).Failure!.Code);
    }
}
