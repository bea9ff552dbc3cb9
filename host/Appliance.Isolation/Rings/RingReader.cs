using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.Isolation.Rings;

/// <summary>
/// One reader of a stream ring, in order from the unit written after it opened (or the last keyframe still in the
/// ring). A reader that fell a ring's length behind loses nothing but its own units: it skips to the newest
/// keyframe still in the ring (or waits for the next one) and counts what it skipped in <see cref="Dropped"/>.
/// The ring's writer is another process and is not trusted: every value read from the file is checked, and
/// a value that cannot come from an honest writer (a unit outside the data area, a sequence from the future)
/// is a <c>corrupt</c> failure, after which the reader refuses to read on.
/// </summary>
public sealed unsafe class RingReader : IDisposable
{
    private readonly MappedRing _map;
    private readonly RingGeometry _geometry;
    private ulong _next;
    private bool _skipping;
    private Failure? _corrupt;

    private RingReader(MappedRing map, RingGeometry geometry)
    {
        _map = map;
        _geometry = geometry;
    }

    public RingGeometry Geometry => _geometry;

    /// <summary>Units this reader skipped because it fell behind (or that the writer overwrote while it copied).</summary>
    public long Dropped { get; private set; }

    /// <summary>The sequence of the next unit this reader wants.</summary>
    public ulong Next => _next;

    /// <summary>Maps a ring and validates its header; starts at the last keyframe still in the ring, if any.</summary>
    public static Result<RingReader> Open(string path)
    {
        MappedRing map;
        try
        {
            map = MappedRing.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            return Result<RingReader>.Fail("unavailable", $"cannot map ring {path}: {ex.Message}");
        }
        var header = new ReadOnlySpan<byte>(map.Base, RingLayout.HeaderSize);
        var geometry = RingLayout.Validate(
            BinaryPrimitives.ReadUInt32LittleEndian(header[RingLayout.OffMagic..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[RingLayout.OffVersion..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[RingLayout.OffSlotCount..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[RingLayout.OffMaxUnit..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[RingLayout.OffDataSize..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[RingLayout.OffFileSize..]),
            map.Length);
        if (!geometry.IsOk)
        {
            map.Dispose();
            return Result<RingReader>.Fail(geometry.Failure!);
        }
        var reader = new RingReader(map, geometry.Value);
        reader.Rewind();
        return reader;
    }

    /// <summary>
    /// The next unit, rented from <paramref name="pool"/> (the caller owns one reference); <c>null</c> when the
    /// reader is up to date. A failure means the ring is corrupt; the reader stays failed.
    /// </summary>
    public Result<AccessUnit?> TryRead(AccessUnitPool pool)
    {
        if (_corrupt is not null) return Result<AccessUnit?>.Fail(_corrupt);
        var b = _map.Base;
        while (true)
        {
            var written = Volatile.Read(ref *(ulong*)(b + RingLayout.OffWriteSequence));
            if (_next >= written)
            {
                if (_next > written) return Corrupt($"the ring's write sequence went back from {_next} to {written}");
                return Result<AccessUnit?>.Ok(null);
            }
            if (written - _next > (ulong)_geometry.Slots)
            {
                CatchUp(written);
                continue;
            }
            var slot = b + RingLayout.HeaderSize + (long)(_next % (ulong)_geometry.Slots) * RingLayout.SlotSize;
            var stamp = Volatile.Read(ref *(ulong*)(slot + RingLayout.SlotOffSequence));
            if (stamp != _next + 1)
            {
                if (stamp > written) return Corrupt($"slot {_next % (ulong)_geometry.Slots} holds sequence {stamp - 1}, past the write sequence {written}");
                CatchUp(written); // overwritten (or being rewritten) since we looked
                continue;
            }
            var position = Unsafe.ReadUnaligned<ulong>(slot + RingLayout.SlotOffPosition);
            var length = Unsafe.ReadUnaligned<uint>(slot + RingLayout.SlotOffLength);
            var track = Unsafe.ReadUnaligned<ushort>(slot + RingLayout.SlotOffTrack);
            var flags = Unsafe.ReadUnaligned<ushort>(slot + RingLayout.SlotOffFlags);
            var timestamp = Unsafe.ReadUnaligned<long>(slot + RingLayout.SlotOffTimestamp);
            var dataSize = (ulong)_geometry.DataSize;
            var offset = position % dataSize;
            if (length > (uint)_geometry.MaxUnit)
                return Corrupt($"unit {_next} claims {length} bytes, over the ring's {_geometry.MaxUnit}-byte limit");
            if (offset + length > dataSize)
                return Corrupt($"unit {_next} at data offset {offset} + {length} bytes runs past the ring's {dataSize}-byte data area");
            var head = Volatile.Read(ref *(ulong*)(b + RingLayout.OffDataHead));
            if (position + length > head)
                return Corrupt($"unit {_next} ends at {position + length}, past the data head {head}");
            if ((flags & ~(RingLayout.FlagKeyframe | RingLayout.FlagAfterGap)) != 0)
                return Corrupt($"unit {_next} has undefined flags 0x{flags:X4}");
            var keyframe = (flags & RingLayout.FlagKeyframe) != 0;
            if (_skipping && !keyframe)
            {
                Dropped++;
                _next++;
                continue;
            }
            var unit = pool.Rent((int)length, track, timestamp, keyframe, (flags & RingLayout.FlagAfterGap) != 0);
            unit.Append(new ReadOnlySpan<byte>(b + _geometry.DataOffset + (long)offset, (int)length));
            // Still ours after the copy? The writer reserves before it writes, so a moved head means overwritten bytes.
            var headAfter = Volatile.Read(ref *(ulong*)(b + RingLayout.OffDataHead));
            if (Volatile.Read(ref *(ulong*)(slot + RingLayout.SlotOffSequence)) != stamp || headAfter > position + dataSize)
            {
                unit.Release();
                CatchUp(Volatile.Read(ref *(ulong*)(b + RingLayout.OffWriteSequence)));
                continue;
            }
            _skipping = false;
            _next++;
            return Result<AccessUnit?>.Ok(unit);
        }
    }

    /// <summary>Starts again at the newest keyframe still in the ring (or at the next unit, waiting for a keyframe).</summary>
    private void Rewind()
    {
        var b = _map.Base;
        var written = Volatile.Read(ref *(ulong*)(b + RingLayout.OffWriteSequence));
        var lastKey = Volatile.Read(ref *(ulong*)(b + RingLayout.OffLastKey));
        if (lastKey > 0 && lastKey <= written && written - (lastKey - 1) <= (ulong)_geometry.Slots)
        {
            _next = lastKey - 1;
            _skipping = false;
        }
        else
        {
            _next = written;
            _skipping = true;
        }
    }

    /// <summary>Fell behind: drop up to the newest keyframe still safely in the ring, or skip to the next keyframe.</summary>
    private void CatchUp(ulong written)
    {
        var before = _next;
        Rewind();
        if (_next <= before)
        {
            // No newer keyframe in reach: skip everything written so far and wait for the next keyframe.
            _next = Math.Max(written, before + 1);
            _skipping = true;
        }
        Dropped += (long)(_next - before);
    }

    private Result<AccessUnit?> Corrupt(string why)
    {
        _corrupt = new Failure("corrupt", why);
        return Result<AccessUnit?>.Fail(_corrupt);
    }

    public void Dispose() => _map.Dispose();
}
