namespace Appliance.PluginRepository;

/// <summary>Keeps a transfer at or under a rate: after each piece it waits until the bytes so far are due.</summary>
public sealed class Throttle(long bytesPerSecond, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _bytes;

    public async ValueTask PassAsync(int bytes, CancellationToken ct)
    {
        if (bytesPerSecond <= 0) return;
        _bytes += bytes;
        var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond);
        var ahead = due - time.GetElapsedTime(_start);
        if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead, time, ct);
    }
}
