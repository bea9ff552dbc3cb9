namespace Appliance.Plugins.Shared;

/// <summary>
/// One read of a connection that must not stay silent: waits for bytes at most <c>idleTimeout</c> (on the plugin's
/// clock). Returns the number of bytes read; 0 when the peer closed the connection or it broke (an I/O error); null
/// when the idle timeout elapsed first (half-open links, a peer stuck mid-message). Cancellation of
/// <c>stopping</c> throws as usual. Shared source (plugins/Shared/Tcp), compiled internal into the DMP and POS plugins.
/// </summary>
internal static class IdleTimeoutRead
{
    public static async Task<int?> ReadAsync(Stream stream, Memory<byte> buffer, TimeSpan idleTimeout, TimeProvider time, CancellationToken stopping)
    {
        using var idle = new CancellationTokenSource(idleTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, idle.Token);
        try
        {
            return await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
