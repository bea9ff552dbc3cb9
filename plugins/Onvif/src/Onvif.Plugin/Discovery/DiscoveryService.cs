using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// The discovery table shared by the WS-Discovery and mDNS loops: records what each source reports, merges by IP,
/// and publishes <see cref="DeviceDiscovered"/> only for devices that are new or whose content changed.
/// Also the round trigger: a timer tick or a <see cref="DiscoveryRequested"/> event starts a round in every source.
/// </summary>
public sealed class DiscoveryService(IEventBus events, IPluginLogger log, TimeProvider time, TimeSpan interval)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DiscoveryTable _table = new();
    private readonly Dictionary<string, DiscoveredEndpoint> _published = new(StringComparer.Ordinal);
    private readonly List<Channel<string>> _triggers = [];

    public TimeSpan Interval => interval;

    /// <summary>A channel that receives one item per round (reason); each source loop gets its own.</summary>
    public ChannelReader<string> Rounds()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_triggers) _triggers.Add(channel);
        channel.Writer.TryWrite("start");
        return channel.Reader;
    }

    public void RequestRound(string reason)
    {
        lock (_triggers)
            foreach (var t in _triggers) t.Writer.TryWrite(reason);
    }

    /// <summary>Ticks every <see cref="Interval"/> until cancelled, starting a round each time.</summary>
    public async Task RunTimerAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            RequestRound("interval");
    }

    public async Task UpsertAsync(DiscoveredEndpoint endpoint, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_table.Upsert(endpoint)) await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    public async Task RemoveAsync(string source, string key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_table.Remove(source, key))
            {
                log.Info("discovery: {Source} device {Key} left", source, key);
                await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally { _gate.Release(); }
    }

    /// <summary>Forgets devices not seen for three intervals (they are announced again when they come back).</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_table.RemoveOlderThan(time.GetUtcNow() - 3 * interval) > 0)
                await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    public async Task<IReadOnlyList<DiscoveredEndpoint>> DevicesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { return _table.Devices(); }
        finally { _gate.Release(); }
    }

    private async Task PublishChangesAsync(CancellationToken cancellationToken)
    {
        var devices = _table.Devices();
        var current = devices.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _published.Keys.Where(k => !current.Contains(k)).ToList()) _published.Remove(gone);
        foreach (var device in devices)
        {
            if (_published.TryGetValue(device.Key, out var before) && before.SameContentAs(device)) continue;
            try
            {
                await events.PublishAsync(new DeviceDiscovered(DeviceMapping.ToDevice(device)), cancellationToken).ConfigureAwait(false);
                _published[device.Key] = device;
                log.Info("discovery: {Source} found {Key} at {Addresses}", device.Source, device.Key, string.Join(' ', device.Addresses));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.Error(ex, "discovery: publishing DeviceDiscovered for {Key} failed; retried on the next change", device.Key);
            }
        }
    }
}
