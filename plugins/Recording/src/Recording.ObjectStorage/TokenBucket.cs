namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// A bandwidth limit: <see cref="TakeAsync"/> waits until the bytes fit in <c>bytesPerSecond</c>. The bucket holds at
/// most a quarter of a second of bytes (at least one chunk), so a burst after a pause stays short. Shared by every
/// request of one exporter; callers are served one at a time.
/// </summary>
public sealed class TokenBucket
{
    /// <summary>The largest piece a caller takes at once (the throttled body is written in pieces of this size).</summary>
    public const int ChunkSize = 16 * 1024;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private double _tokens;
    private long _stamp;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        BytesPerSecond = bytesPerSecond;
        _time = time;
        _capacity = Math.Max(bytesPerSecond / 4.0, ChunkSize);
        _tokens = _capacity;
        _stamp = time.GetTimestamp();
    }

    public long BytesPerSecond { get; }

    public async ValueTask TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, ChunkSize);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Refill();
            if (_tokens < bytes)
            {
                var wait = TimeSpan.FromSeconds((bytes - _tokens) / BytesPerSecond);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                Refill();
            }

            _tokens -= bytes;
        }
        finally
        {
            _turn.Release();
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * BytesPerSecond));
        _stamp = now;
    }
}
