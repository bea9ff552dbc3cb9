namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>One frame cut from a panel's byte stream: its bytes (terminator and leading STX/LF stripped), or why it
/// was dropped.</summary>
public readonly record struct DmpFrame(byte[] Bytes, bool Oversized);

/// <summary>
/// Cuts a panel's TCP byte stream into frames. A frame ends at CR (0x0D) or ETX (0x03); a leading STX (0x02) or
/// line feed is not part of it (panels and receivers put one before a message). A frame longer than
/// <see cref="MaxFrameBytes"/> is dropped whole, up to its terminator, and reported once as oversized (so an endless
/// line costs at most that much memory). Empty frames (CR LF pairs, keep-alive bytes) are skipped.
/// Not thread-safe: one splitter per connection.
/// </summary>
public sealed class DmpFrameSplitter(int maxFrameBytes)
{
    public const byte Stx = 0x02;
    public const byte Etx = 0x03;
    public const byte Cr = 0x0D;
    public const byte Lf = 0x0A;

    private readonly List<byte> _current = new(Math.Min(maxFrameBytes, 1024));
    private bool _overflowing;

    public int MaxFrameBytes { get; } = maxFrameBytes > 0 ? maxFrameBytes : throw new ArgumentOutOfRangeException(nameof(maxFrameBytes));

    /// <summary>Bytes held for a frame whose terminator has not arrived yet (a panel that stops mid-frame).</summary>
    public int Pending => _current.Count;

    /// <summary>Feeds received bytes; returns the frames they completed, in order.</summary>
    public IReadOnlyList<DmpFrame> Push(ReadOnlySpan<byte> received)
    {
        List<DmpFrame>? frames = null;
        foreach (var b in received)
        {
            if (b is Cr or Etx)
            {
                if (_overflowing) (frames ??= []).Add(new DmpFrame([], true));
                else if (_current.Count > 0) (frames ??= []).Add(new DmpFrame([.. _current], false));
                _current.Clear();
                _overflowing = false;
                continue;
            }
            if (_current.Count == 0 && b is Stx or Lf) continue;
            if (_overflowing) continue;
            if (_current.Count == MaxFrameBytes)
            {
                _overflowing = true;
                _current.Clear();
                continue;
            }
            _current.Add(b);
        }
        return frames ?? (IReadOnlyList<DmpFrame>)[];
    }
}
