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

    /// <summary>
    /// A round someone asked for (the portal's Discover button): everything the table holds is published again, so
    /// the asker sees every known device even if an earlier announcement went to no one, then the sources probe.
    /// </summary>
    public async Task RequestedRoundAsync(string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _published.Clear();
            await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
        RequestRound(reason);
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
            var refusedBefore = _table.Refused;
            if (_table.Upsert(endpoint)) await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
            else if (_table.Refused > refusedBefore && (_table.Refused <= 10 || _table.Refused % 100 == 0))
                log.Warn("discovery: ignored {Source} announcement {Key} from {From}: {Reason} ({Count} so far)", endpoint.Source, endpoint.Key, endpoint.Sender, _table.LastRefusal, _table.Refused);
        }
        finally { _gate.Release(); }
    }

    public async Task RemoveAsync(string source, string key, CancellationToken cancellationToken, System.Net.IPAddress? from = null)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var spoofedBefore = _table.SpoofedRemovals;
            if (_table.Remove(source, key, from))
            {
                log.Info("discovery: {Source} device {Key} left", source, key);
                await PublishChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (_table.SpoofedRemovals > spoofedBefore && (_table.SpoofedRemovals <= 10 || _table.SpoofedRemovals % 100 == 0))
            {
                log.Warn("discovery: ignored a {Source} Bye for {Key} from {From}, which is not the device's address ({Count} so far)", source, key, from, _table.SpoofedRemovals);
            }
        }
        finally { _gate.Release(); }
    }

    /// <summary>Counters of the table's defences: new entries refused (limits), removals ignored (spoofed Bye).</summary>
    public (long Refused, long SpoofedRemovals, string? LastRefusal) Defences
    {
        get
        {
            _gate.Wait();
            try { return (_table.Refused, _table.SpoofedRemovals, _table.LastRefusal); }
            finally { _gate.Release(); }
        }
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
