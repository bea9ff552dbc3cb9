namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>
/// Counters of the server, and the last few thousand ingest-to-departure delays (capture time set by the ingest to
/// the moment a unit's packets were handed to the socket), for diagnostics and the benchmark. Thread-safe.
/// </summary>
internal sealed class ServerMetrics
{
    private const int Window = 16384;
    private readonly long[] _delays = new long[Window];
    private long _count;
    private long _connections;
    private long _refusedConnections;

    public long Connections => Interlocked.Read(ref _connections);

    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    public void ConnectionOpened() => Interlocked.Increment(ref _connections);

    public void ConnectionRefused() => Interlocked.Increment(ref _refusedConnections);

    public void RecordDeparture(long delayMicroseconds)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        Volatile.Write(ref _delays[i % Window], delayMicroseconds);
    }

    /// <summary>The recorded delays (microseconds), most recent window.</summary>
    public long[] Delays()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), Window);
        var copy = new long[n];
        Array.Copy(_delays, copy, n);
        return copy;
    }

    public void ResetDelays() => Interlocked.Exchange(ref _count, 0);
}
