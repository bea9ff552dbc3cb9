using System.Buffers;

namespace Appliance.Abstractions.Media;

/// <summary>
/// One access unit (a whole video frame as Annex-B NAL units, or one audio frame), in a pooled buffer shared by
/// every consumer. Reference counted: the hub hands each consumer one reference; a consumer calls
/// <see cref="Release()"/> when done. The last release returns the buffer to its <see cref="ArrayPool{T}"/> and, for a
/// unit from an <see cref="AccessUnitPool"/>, the object itself to that pool, to be handed out again as another frame.
/// </summary>
/// <remarks>
/// <para><b>Never touch a unit after your last <see cref="Release()"/></b>: not its payload, not a
/// <see cref="ReadOnlyMemory{T}"/> taken from it, not its properties. After the last release <see cref="Retain()"/>,
/// <see cref="Release()"/>, <see cref="Payload"/> and <see cref="Append"/> throw <see cref="ObjectDisposedException"/>
/// (an <see cref="InvalidOperationException"/>) until the object is handed out again.</para>
/// <para>A pooled object handed out again is another frame. To catch a stale reference even then, capture
/// <see cref="Generation"/> while you hold a reference and use <see cref="Retain(int)"/>, <see cref="Release(int)"/>
/// and <see cref="GetPayload(int)"/>: they throw when the generation no longer matches.</para>
/// </remarks>
public sealed class AccessUnit
{
    private readonly ArrayPool<byte> _buffers;
    private readonly AccessUnitPool? _owner;
    private byte[]? _buffer;

    /// <summary>Generation (high 32 bits) and reference count (low 32 bits), changed together atomically.
    /// A count of 0 means released: idle in the pool, or dead for a unit without a pool.</summary>
    private long _state;

    internal AccessUnit(ArrayPool<byte> buffers, AccessUnitPool? owner)
    {
        _buffers = buffers;
        _owner = owner;
    }

    /// <summary>A unit (not pooled) with a buffer of at least <paramref name="capacity"/> bytes from
    /// <paramref name="pool"/>, one reference held by the caller.</summary>
    public static AccessUnit Rent(ArrayPool<byte> pool, int capacity, int track, long timestamp, bool keyframe) =>
        Rent(pool, capacity, track, timestamp, keyframe, false);

    /// <summary>As <see cref="Rent(ArrayPool{byte}, int, int, long, bool)"/>, marking the first unit after a gap
    /// (<see cref="AfterGap"/>).</summary>
    public static AccessUnit Rent(ArrayPool<byte> pool, int capacity, int track, long timestamp, bool keyframe, bool afterGap)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var unit = new AccessUnit(pool, null);
        unit.Start(capacity, track, timestamp, keyframe, afterGap);
        return unit;
    }

    public int Track { get; private set; }

    /// <summary>Presentation timestamp in the track's clock rate (unwrapped, monotonic within a session).</summary>
    public long Timestamp { get; private set; }

    public bool IsKeyframe { get; private set; }

    public int Length { get; private set; }

    /// <summary>True after a reconnect: the first unit after a gap.</summary>
    public bool AfterGap { get; private set; }

    /// <summary>
    /// Wall-clock (UTC) time at which the frame was captured, in Unix-epoch microseconds, or 0 when the producer
    /// does not know it. A producer sets it before it publishes the unit and never after; consumers (RTCP sender
    /// reports, recordings) map <see cref="Timestamp"/> to real time through it. The RTSP ingest sets the host's clock at
    /// the moment the unit was complete (its last packet arrived), which is capture time plus network delay.
    /// Reset to 0 each time the object is handed out again. (Added in contract 1.0, additive.)
    /// </summary>
    public long CaptureTimeUnixMicroseconds { get; set; }

    /// <summary>Changes each time the object is released for the last time. Read it while you hold a reference.</summary>
    public int Generation => GenerationOf(Volatile.Read(ref _state));

    /// <summary>The frame's bytes. Valid while you hold a reference (see the remarks on the type).</summary>
    public ReadOnlyMemory<byte> Payload => PayloadCore(false, 0);

    /// <summary>As <see cref="Payload"/>, and throws if the unit is no longer generation <paramref name="generation"/>.</summary>
    public ReadOnlyMemory<byte> GetPayload(int generation) => PayloadCore(true, generation);

    /// <summary>Appends bytes while the producer builds the unit (before it is published).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        var buffer = _buffer;
        if (buffer is null || ReferencesOf(Volatile.Read(ref _state)) == 0) throw Released();
        if (Length + data.Length > buffer.Length)
        {
            var bigger = _buffers.Rent(Math.Max(buffer.Length * 2, Length + data.Length));
            buffer.AsSpan(0, Length).CopyTo(bigger);
            _buffers.Return(buffer);
            _buffer = buffer = bigger;
        }
        data.CopyTo(buffer.AsSpan(Length));
        Length += data.Length;
    }

    /// <summary>Takes one more reference (the caller must already hold one).</summary>
    public void Retain() => RetainCore(false, 0);

    /// <summary>As <see cref="Retain()"/>, and throws if the unit is no longer generation <paramref name="generation"/>.</summary>
    public void Retain(int generation) => RetainCore(true, generation);

    /// <summary>Gives back one reference; the last one recycles the unit.</summary>
    public void Release() => ReleaseCore(false, 0);

    /// <summary>As <see cref="Release()"/>, and throws (changing nothing) if the unit is no longer generation
    /// <paramref name="generation"/>.</summary>
    public void Release(int generation) => ReleaseCore(true, generation);

    /// <summary>Makes the (idle or new) object a fresh unit with one reference. Only its renter sees it here.</summary>
    internal void Start(int capacity, int track, long timestamp, bool keyframe, bool afterGap)
    {
        _buffer = _buffers.Rent(capacity);
        Length = 0;
        Track = track;
        Timestamp = timestamp;
        IsKeyframe = keyframe;
        AfterGap = afterGap;
        CaptureTimeUnixMicroseconds = 0;
        Volatile.Write(ref _state, Pack(GenerationOf(Volatile.Read(ref _state)), 1));
    }

    private ReadOnlyMemory<byte> PayloadCore(bool check, int generation)
    {
        // Other holders may retain and release meanwhile (the count moves); only a new generation means recycled.
        var before = Volatile.Read(ref _state);
        var buffer = _buffer;
        var length = Length;
        var after = Volatile.Read(ref _state);
        if (GenerationOf(before) != GenerationOf(after) || buffer is null || ReferencesOf(after) == 0) throw Released();
        if (check && GenerationOf(after) != generation) throw Stale(generation, GenerationOf(after));
        return buffer.AsMemory(0, length);
    }

    private void RetainCore(bool check, int generation)
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            var references = ReferencesOf(state);
            if (check && GenerationOf(state) != generation) throw Stale(generation, GenerationOf(state));
            if (references == 0) throw Released();
            if (references == int.MaxValue) throw new InvalidOperationException("AccessUnit reference count overflow");
            var seen = Interlocked.CompareExchange(ref _state, Pack(GenerationOf(state), references + 1), state);
            if (seen == state) return;
            state = seen;
        }
    }

    private void ReleaseCore(bool check, int generation)
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            var references = ReferencesOf(state);
            var current = GenerationOf(state);
            if (check && current != generation) throw Stale(generation, current);
            if (references == 0) throw Released();
            // The last release moves to the next generation in the same step, so no stale Retain can slip in.
            var next = references == 1 ? Pack(unchecked(current + 1), 0) : Pack(current, references - 1);
            var seen = Interlocked.CompareExchange(ref _state, next, state);
            if (seen == state)
            {
                if (references == 1) Recycle();
                return;
            }
            state = seen;
        }
    }

    /// <summary>Runs once per generation, on the thread that released last: nobody else may touch the unit now.</summary>
    private void Recycle()
    {
        var buffer = _buffer;
        _buffer = null;
        Length = 0;
        if (buffer is not null) _buffers.Return(buffer);
        _owner?.Return(this);
    }

    private static long Pack(int generation, int references) => ((long)generation << 32) | (uint)references;

    private static int GenerationOf(long state) => (int)(state >> 32);

    private static int ReferencesOf(long state) => (int)(uint)state;

    private static ObjectDisposedException Released() =>
        new(nameof(AccessUnit), "AccessUnit used after its last Release (or released more often than retained)");

    private static ObjectDisposedException Stale(int expected, int actual) =>
        new(nameof(AccessUnit), $"stale AccessUnit reference: generation {expected}, the unit is now generation {actual}");
}
