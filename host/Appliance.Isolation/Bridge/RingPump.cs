using System.Buffers;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Isolation.Rings;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// Reads a ring when its writer says it advanced (RingTick) and hands each unit to <paramref name="deliver"/>
/// (which takes over the reference). Ticks coalesce: one pending wake-up at most, then the pump drains everything.
/// A corrupt ring ends the pump with <see cref="Failed"/> set.
/// </summary>
public sealed class RingPump : IAsyncDisposable
{
    private readonly RingReader _reader;
    private readonly Action<AccessUnit> _deliver;
    private readonly Action<Failure> _onCorrupt;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly AccessUnitPool _pool = new(ArrayPool<byte>.Shared);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RingPump(RingReader reader, Action<AccessUnit> deliver, Action<Failure> onCorrupt)
    {
        _reader = reader;
        _deliver = deliver;
        _onCorrupt = onCorrupt;
        _loop = Task.Run(LoopAsync);
    }

    public Failure? Failed { get; private set; }

    public long Dropped => _reader.Dropped;

    /// <summary>The writer advanced; never blocks.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token))
            {
                _wake.Reader.TryRead(out _);
                while (true)
                {
                    var next = _reader.TryRead(_pool);
                    if (!next.TryGetValue(out var unit, out var failure))
                    {
                        Failed = failure;
                        _onCorrupt(failure);
                        return;
                    }
                    if (unit is null) break;
                    _deliver(unit);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _wake.Writer.TryComplete();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _reader.Dispose();
        _stop.Dispose();
    }
}
