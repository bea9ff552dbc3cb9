using Appliance.Abstractions;

namespace Appliance.Isolation.Rings;

/// <summary>
/// The layout of a shared-memory stream ring (a memory-mapped file, one writer, any number of readers), version 1,
/// little-endian:
/// <code>
/// header (128 bytes)  0 magic "APRG" u32 | 4 version u32 | 8 slot count u32 | 12 max unit u32 | 16 data size u64
///                     24 file size u64 | 32 write sequence u64 (units written) | 40 data head u64 (bytes reserved)
///                     48 last keyframe sequence + 1 u64 (0: none)
/// slots (32 bytes each, slot = sequence % slot count)
///                     0 sequence + 1 u64 (0 while being written) | 8 data position u64 (absolute, monotonic)
///                     16 length u32 | 20 track u16 | 22 flags u16 (1 keyframe, 2 after gap) | 24 timestamp i64
/// data (data size bytes, from the first 64-byte boundary after the slots): a byte ring; a unit never wraps,
///                     the writer skips to offset 0 when the rest of the ring is too short.
/// </code>
/// The writer reserves data (moves the data head) before it copies and publishes a slot's sequence last; a reader
/// checks the slot's sequence and the data head again after copying, so a unit overwritten meanwhile is dropped,
/// never delivered torn. Every offset and length read from the file is checked against the sizes the reader
/// validated at open, so a ring written past its size is reported, not trusted.
/// </summary>
public static class RingLayout
{
    public const uint Magic = 0x47525041; // "APRG"
    public const uint Version = 1;
    public const int HeaderSize = 128;
    public const int SlotSize = 32;
    public const int MaxSlots = 1 << 16;
    public const long MaxDataSize = 1L << 30;

    public const int OffMagic = 0, OffVersion = 4, OffSlotCount = 8, OffMaxUnit = 12, OffDataSize = 16, OffFileSize = 24,
        OffWriteSequence = 32, OffDataHead = 40, OffLastKey = 48;

    public const int SlotOffSequence = 0, SlotOffPosition = 8, SlotOffLength = 16, SlotOffTrack = 20, SlotOffFlags = 22, SlotOffTimestamp = 24;

    public const ushort FlagKeyframe = 1, FlagAfterGap = 2;

    public static long DataOffset(int slots) => (HeaderSize + (long)slots * SlotSize + 63) / 64 * 64;

    public static long FileSize(int slots, long dataSize) => DataOffset(slots) + dataSize;

    /// <summary>Checks the sizes a ring file claims against each other and the file's real length.</summary>
    public static Result<RingGeometry> Validate(uint magic, uint version, uint slots, uint maxUnit, ulong dataSize, ulong fileSize, long actualLength)
    {
        if (magic != Magic) return Result<RingGeometry>.Fail("malformed", $"not a stream ring (magic 0x{magic:X8})");
        if (version != Version) return Result<RingGeometry>.Fail("version", $"ring layout version {version} is not supported (this side reads {Version})");
        if (slots is < 2 or > MaxSlots) return Result<RingGeometry>.Fail("malformed", $"ring slot count {slots} is outside 2..{MaxSlots}");
        if (dataSize < 1024 || dataSize > MaxDataSize) return Result<RingGeometry>.Fail("malformed", $"ring data size {dataSize} is outside 1 KiB..1 GiB");
        if (maxUnit == 0 || maxUnit > dataSize / 2) return Result<RingGeometry>.Fail("malformed", $"ring max unit {maxUnit} is not within 1..data size/2 ({dataSize / 2})");
        var expected = FileSize((int)slots, (long)dataSize);
        if (fileSize != (ulong)expected)
            return Result<RingGeometry>.Fail("malformed", $"ring header says {fileSize} bytes, its slots and data need {expected}");
        if (actualLength < expected)
            return Result<RingGeometry>.Fail("too-small", $"ring file is {actualLength} bytes, its header needs {expected}");
        return new RingGeometry((int)slots, (int)maxUnit, (long)dataSize, DataOffset((int)slots));
    }
}

/// <summary>Validated sizes of a ring.</summary>
public sealed record RingGeometry(int Slots, int MaxUnit, long DataSize, long DataOffset);
