namespace Appliance.Isolation.Bridge;

/// <summary>
/// The background loops of one plugin context (<c>IPluginContext.RunBackground</c>), the same on both sides of the
/// bridge: the host's in-process context and the isolated plugin's context in the plugin host. Each loop runs on the
/// thread pool with the context's stopping token; ending by that token is normal, any other exception is handed to
/// <c>crashed</c> with the loop's name (the host quarantines the plugin), unless the context is already stopping.
/// </summary>
public sealed class BackgroundLoops(Action<string, Exception> crashed) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(string Name, Task Task)> _loops = [];
    private readonly object _gate = new();

    public void Run(string name, Func<CancellationToken, Task> loop)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(loop);
        var token = _stopping.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await loop(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                if (!token.IsCancellationRequested) crashed(name, ex);
            }
        }, CancellationToken.None);
        lock (_gate) _loops.Add((name, task));
    }

    /// <summary>Cancels the loops and waits for them at most <paramref name="timeout"/>; returns the names of loops that did not end in time.</summary>
    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan timeout)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        (string Name, Task Task)[] loops;
        lock (_gate) loops = _loops.ToArray();
        await Task.WhenAll(loops.Select(l => l.Task)).WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return loops.Where(l => !l.Task.IsCompleted).Select(l => l.Name).ToList();
    }

    /// <summary>Cancels what still runs and forgets the loops (after <see cref="StopAsync"/>, or instead of it); twice is harmless.</summary>
    public void Dispose()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        lock (_gate) _loops.Clear();
        _stopping.Dispose();
    }
}
