namespace Appliance.Isolation.Http;

/// <summary>
/// The sender's side of credit-based flow control: the bytes the receiver has granted and not yet been sent.
/// <see cref="TakeAsync"/> waits until there is credit; a failed gate (exchange aborted, channel gone) throws.
/// </summary>
public sealed class CreditGate
{
    private readonly object _gate = new();
    private long _credit;
    private Exception? _failed;
    private TaskCompletionSource? _waiter;

    /// <summary>Adds credit; false when the total would exceed <paramref name="max"/> (a broken receiver).</summary>
    public bool Grant(int bytes, long max)
    {
        lock (_gate)
        {
            if (_credit + bytes > max) return false;
            _credit += bytes;
            Wake();
            return true;
        }
    }

    public void Fail(Exception why)
    {
        lock (_gate)
        {
            _failed ??= why;
            Wake();
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of credit (at least one), waiting for a grant if there is none.</summary>
    public async ValueTask<int> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_failed is not null) throw new IOException(_failed.Message, _failed);
                if (_credit > 0)
                {
                    var n = (int)Math.Min(wanted, _credit);
                    _credit -= n;
                    return n;
                }
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    private void Wake()
    {
        _waiter?.TrySetResult();
        _waiter = null;
    }
}
