using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.Isolation.Rings;

/// <summary>
/// The one writer of a stream ring. Never waits for a reader: it overwrites the oldest units, and readers that
/// fell behind notice and skip to a keyframe. One thread writes at a time (the stream's pump).
/// </summary>
public sealed unsafe class RingWriter : IDisposable
{
    private readonly MappedRing _map;
    private readonly RingGeometry _geometry;
    private readonly bool _deleteOnDispose;
    private ulong _sequence;
    private ulong _head;

    private RingWriter(string path, MappedRing map, RingGeometry geometry, bool deleteOnDispose)
    {
        Path = path;
        _map = map;
        _geometry = geometry;
        _deleteOnDispose = deleteOnDispose;
    }

    public string Path { get; }

    public RingGeometry Geometry => _geometry;

    /// <summary>Units written so far (the sequence of the last one is this minus one).</summary>
    public ulong Written => _sequence;

    /// <summary>Units refused because they were larger than the ring's max unit.</summary>
    public long Oversized { get; private set; }

    /// <summary>Creates (never reuses) a ring file at <paramref name="path"/>; the file is deleted at dispose.</summary>
    public static RingWriter Create(string path, int slots = 1024, long dataSize = 16L * 1024 * 1024, int? maxUnit = null, bool deleteOnDispose = true)
    {
        var max = maxUnit ?? (int)Math.Min(dataSize / 4, 8L * 1024 * 1024);
        var fileSize = RingLayout.FileSize(slots, dataSize);
        var geometry = RingLayout.Validate(RingLayout.Magic, RingLayout.Version, (uint)slots, (uint)max, (ulong)dataSize, (ulong)fileSize, fileSize);
        if (!geometry.IsOk) throw new ArgumentException($"bad ring geometry: {geometry.Failure}");
        var map = MappedRing.Create(path, fileSize);
        var b = map.Base;
        var header = new Span<byte>(b, RingLayout.HeaderSize);
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header[RingLayout.OffMagic..], RingLayout.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[RingLayout.OffVersion..], RingLayout.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[RingLayout.OffSlotCount..], (uint)slots);
        BinaryPrimitives.WriteUInt32LittleEndian(header[RingLayout.OffMaxUnit..], (uint)max);
        BinaryPrimitives.WriteUInt64LittleEndian(header[RingLayout.OffDataSize..], (ulong)dataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[RingLayout.OffFileSize..], (ulong)fileSize);
        return new RingWriter(path, map, geometry.Value, deleteOnDispose);
    }

    /// <summary>Copies one unit into the ring (the caller keeps its reference). Returns the unit's sequence, or a
    /// failure for a unit larger than the ring's max unit (nothing written).</summary>
    public Result<ulong> Write(AccessUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var payload = unit.Payload.Span;
        var flags = (ushort)((unit.IsKeyframe ? RingLayout.FlagKeyframe : 0) | (unit.AfterGap ? RingLayout.FlagAfterGap : 0));
        return Write(payload, unit.Track, unit.Timestamp, flags);
    }

    internal Result<ulong> Write(ReadOnlySpan<byte> payload, int track, long timestamp, ushort flags)
    {
        if (payload.Length > _geometry.MaxUnit)
        {
            Oversized++;
            return Result<ulong>.Fail("too-large", $"a unit of {payload.Length} bytes is over the ring's {_geometry.MaxUnit}-byte limit");
        }
        var b = _map.Base;
        var dataSize = (ulong)_geometry.DataSize;
        var position = _head;
        var offset = position % dataSize;
        if (offset + (ulong)payload.Length > dataSize) position += dataSize - offset; // a unit never wraps
        var seq = _sequence;
        var slot = b + RingLayout.HeaderSize + (long)(seq % (ulong)_geometry.Slots) * RingLayout.SlotSize;

        // Invalidate the slot, reserve the bytes, then copy: a reader that raced us sees either the old sequence
        // gone or the data head past its unit, and drops it.
        Volatile.Write(ref *(ulong*)(slot + RingLayout.SlotOffSequence), 0UL);
        _head = position + (ulong)payload.Length;
        Volatile.Write(ref *(ulong*)(b + RingLayout.OffDataHead), _head);
        payload.CopyTo(new Span<byte>(b + _geometry.DataOffset + (long)(position % dataSize), payload.Length));
        Unsafe.WriteUnaligned(slot + RingLayout.SlotOffPosition, position);
        Unsafe.WriteUnaligned(slot + RingLayout.SlotOffLength, (uint)payload.Length);
        Unsafe.WriteUnaligned(slot + RingLayout.SlotOffTrack, (ushort)track);
        Unsafe.WriteUnaligned(slot + RingLayout.SlotOffFlags, flags);
        Unsafe.WriteUnaligned(slot + RingLayout.SlotOffTimestamp, timestamp);
        Volatile.Write(ref *(ulong*)(slot + RingLayout.SlotOffSequence), seq + 1);
        _sequence = seq + 1;
        if ((flags & RingLayout.FlagKeyframe) != 0) Volatile.Write(ref *(ulong*)(b + RingLayout.OffLastKey), seq + 1);
        Volatile.Write(ref *(ulong*)(b + RingLayout.OffWriteSequence), _sequence);
        return seq;
    }

    public void Dispose()
    {
        _map.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
            }
        }
    }
}
