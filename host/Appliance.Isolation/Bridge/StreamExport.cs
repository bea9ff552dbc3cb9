using Appliance.Abstractions.Media;
using Appliance.Isolation.Rings;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// Host to child: one hub subscription of the host per stream and child, copied once into the stream's ring.
/// The child's own subscribers all read from its copy, so no unit is copied per subscriber. The hub never waits
/// for this pump (it is an ordinary subscriber that skips to a keyframe when slow), so a stuck child cannot slow
/// the camera or any other consumer.
/// </summary>
internal sealed class StreamExport : IAsyncDisposable
{
    private readonly IStreamSubscription _subscription;
    private readonly RingWriter _ring;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public StreamExport(IStreamHub hub, string name, RingWriter ring, uint ringId, Func<uint, ulong, ValueTask<bool>> tick, Action<StreamDescriptor> descriptorChanged)
    {
        Name = name;
        RingId = ringId;
        _ring = ring;
        _subscription = hub.Subscribe(name);
        _pump = Task.Run(() => PumpAsync(tick, descriptorChanged));
    }

    public string Name { get; }

    public uint RingId { get; }

    public string Path => _ring.Path;

    public StreamDescriptor? Descriptor => _subscription.Descriptor;

    private async Task PumpAsync(Func<uint, ulong, ValueTask<bool>> tick, Action<StreamDescriptor> descriptorChanged)
    {
        var known = _subscription.Descriptor;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var unit = await _subscription.ReadAsync(_stop.Token);
                if (_subscription.Descriptor is { } now && !ReferenceEquals(now, known))
                {
                    known = now;
                    descriptorChanged(now); // before the unit, so the child sees new parameter sets first
                }
                var written = _ring.Write(unit);
                unit.Release();
                if (written.IsOk && !await tick(RingId, written.Value)) return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _subscription.Dispose();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ring.Dispose();
        _stop.Dispose();
    }
}
