using System.Buffers;

namespace Appliance.Abstractions.Media;

/// <summary>
/// One access unit (a whole video frame as length-prefixed-free Annex-B NAL units, or one audio frame),
/// in a pooled buffer shared by every consumer. Reference counted: the hub hands each consumer one
/// reference; a consumer calls <see cref="Release"/> when done. The last release returns the buffer to the pool.
/// </summary>
public sealed class AccessUnit
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;
    private int _references;

    private AccessUnit(ArrayPool<byte> pool, byte[] buffer, int length, int track, long timestamp, bool keyframe)
    {
        _pool = pool;
        _buffer = buffer;
        Length = length;
        Track = track;
        Timestamp = timestamp;
        IsKeyframe = keyframe;
        _references = 1;
    }

    /// <summary>A unit with a pooled buffer of at least <paramref name="capacity"/> bytes, one reference held by the caller.</summary>
    public static AccessUnit Rent(ArrayPool<byte> pool, int capacity, int track, long timestamp, bool keyframe) =>
        new(pool, pool.Rent(capacity), 0, track, timestamp, keyframe);

    /// <summary>As <see cref="Rent(ArrayPool{byte}, int, int, long, bool)"/>, marking the first unit after a gap
    /// (<see cref="AfterGap"/> is init-only, so a producer can set it only here).</summary>
    public static AccessUnit Rent(ArrayPool<byte> pool, int capacity, int track, long timestamp, bool keyframe, bool afterGap) =>
        new(pool, pool.Rent(capacity), 0, track, timestamp, keyframe) { AfterGap = afterGap };

    public int Track { get; }

    /// <summary>Presentation timestamp in the track's clock rate (unwrapped, monotonic within a session).</summary>
    public long Timestamp { get; }

    public bool IsKeyframe { get; }

    public int Length { get; private set; }

    /// <summary>True after a reconnect: the first unit after a gap.</summary>
    public bool AfterGap { get; init; }

    public ReadOnlyMemory<byte> Payload => (_buffer ?? throw new ObjectDisposedException(nameof(AccessUnit))).AsMemory(0, Length);

    /// <summary>Appends bytes while the producer builds the unit (before it is published).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(AccessUnit));
        if (Length + data.Length > buffer.Length)
        {
            var bigger = _pool.Rent(Math.Max(buffer.Length * 2, Length + data.Length));
            buffer.AsSpan(0, Length).CopyTo(bigger);
            _pool.Return(buffer);
            _buffer = buffer = bigger;
        }
        data.CopyTo(buffer.AsSpan(Length));
        Length += data.Length;
    }

    public void Retain()
    {
        if (Interlocked.Increment(ref _references) <= 1)
            throw new InvalidOperationException("AccessUnit retained after its last release");
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null) _pool.Return(buffer);
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("AccessUnit released more often than retained");
        }
    }
}
