namespace Appliance.Isolation.Wire;

/// <summary>Writes whole frames to a stream; thread-safe (one frame at a time, never interleaved).</summary>
public sealed class FrameWriter(Stream stream, int maxPayload = FrameReader.DefaultMaxPayload) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _header = new byte[Frame.HeaderSize];

    /// <summary>Sends one frame. A payload over the limit is a bug of this side and throws before anything is written.</summary>
    public async ValueTask WriteAsync(FrameKind kind, uint id, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > maxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), $"a {kind} frame of {payload.Length} bytes is over the {maxPayload}-byte limit");
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Frame.WriteHeader(_header, kind, id, payload.Length);
            await stream.WriteAsync(_header, cancellationToken);
            if (payload.Length > 0) await stream.WriteAsync(payload, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Nothing to release: the gate has no wait handle, and a write racing the channel's end must not throw
    /// ObjectDisposedException from the gate (it fails on the closed stream instead).</summary>
    public void Dispose()
    {
    }
}
