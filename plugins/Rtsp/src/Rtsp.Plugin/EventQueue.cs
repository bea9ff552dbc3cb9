using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Publishes a camera's events in order from one loop, so receive threads never wait for the durable outbox.
/// What is still queued at stop gets a short grace to be published.
/// </summary>
internal sealed class EventQueue(IPluginContext context)
{
    private readonly Channel<Func<CancellationToken, Task>> _queue =
        Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue<TEvent>(TEvent @event) where TEvent : class, IApplianceEvent =>
        _queue.Writer.TryWrite(ct => context.Events.PublishAsync(@event, ct));

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var publish in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                await PublishAsync(publish, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        _queue.Writer.TryComplete();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (_queue.Reader.TryRead(out var publish)) await PublishAsync(publish, grace.Token).ConfigureAwait(false);
    }

    private async Task PublishAsync(Func<CancellationToken, Task> publish, CancellationToken ct)
    {
        try
        {
            await publish(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            context.Logger.Error(e, "publishing an RTSP event failed");
        }
    }
}
