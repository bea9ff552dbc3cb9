using Appliance.Abstractions;
using Appliance.Host.Configuration;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>A change that waits for confirmation: the settings it replaced come back at <paramref name="RevertAt"/>.</summary>
public sealed record PendingNetworkChange(string Interface, AddressSettings Previous, AddressSettings Applied, DateTimeOffset RevertAt);

/// <summary>What the network settings page and API show: the interfaces, a pending change, the last automatic revert.</summary>
public sealed record NetworkSettingsStatus(IReadOnlyList<NetworkInterfaceState> Interfaces, PendingNetworkChange? Pending, string? LastRevert, string? Error);

/// <summary>
/// Per-interface IPv4 settings through NetworkManager or systemd-networkd (<see cref="INetworkSettingsBackend"/>) with confirm-or-revert, like the firewall's: an apply takes effect
/// at once, and unless <see cref="Confirm"/> is called within <c>systemServices.networkRevertSeconds</c> (2 minutes) the
/// previous settings are applied again, so a technician who cut themselves off gets the old settings back. One change
/// waits at a time. The timer comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class NetworkSettingsService(INetworkSettingsBackend network, TimeProvider time, IOptions<ApplianceOptions> options,
    ILogger<NetworkSettingsService> log) : IDisposable
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _applying = new(1, 1);
    private PendingNetworkChange? _pending;
    private ITimer? _timer;
    private string? _lastRevert;

    private TimeSpan RevertAfter => TimeSpan.FromSeconds(Math.Max(1, options.Value.SystemServices.NetworkRevertSeconds));

    public PendingNetworkChange? Pending
    {
        get
        {
            lock (_gate) return _pending;
        }
    }

    public async Task<NetworkSettingsStatus> StatusAsync(CancellationToken ct)
    {
        var interfaces = await network.ListAsync(ct);
        lock (_gate)
            return new NetworkSettingsStatus(interfaces.IsOk ? interfaces.Value : [], _pending, _lastRevert,
                interfaces.IsOk ? null : interfaces.Failure!.ToString());
    }

    /// <summary>Applies new settings to an interface and starts the revert timer. <c>conflict</c> while another change waits.</summary>
    public async Task<Result<PendingNetworkChange>> ApplyAsync(string interfaceName, AddressSettings settings, CancellationToken ct)
    {
        await _applying.WaitAsync(ct);
        try
        {
            if (Pending is { } waiting)
                return Result<PendingNetworkChange>.Fail("conflict", $"the change to {waiting.Interface} waits for confirmation until {waiting.RevertAt:HH:mm:ss} UTC; confirm or revert it first");
            var current = await network.GetAsync(interfaceName, ct);
            if (!current.IsOk) return Result<PendingNetworkChange>.Fail(current.Failure!);
            if (current.Value.Settings is not { } previous)
                return Result<PendingNetworkChange>.Fail("not-found", $"{interfaceName} has no active profile with DHCP or static IPv4 settings to change");
            var applied = await network.ApplyAsync(interfaceName, settings, ct);
            if (!applied.IsOk)
            {
                // The update may have half happened (profile written, activation refused): put the old settings back.
                var restored = await network.ApplyAsync(interfaceName, previous, ct);
                log.LogWarning("Network settings of {Interface} not applied: {Failure}; previous settings restored: {Restored}", interfaceName, applied.Failure, restored.IsOk);
                return Result<PendingNetworkChange>.Fail(applied.Failure!);
            }
            var pending = new PendingNetworkChange(interfaceName, previous, settings, time.GetUtcNow() + RevertAfter);
            lock (_gate)
            {
                _pending = pending;
                _timer = time.CreateTimer(_ => _ = RevertUnconfirmedAsync(pending), null, RevertAfter, Timeout.InfiniteTimeSpan);
            }
            log.LogInformation("Network settings of {Interface} applied; reverted at {RevertAt} unless confirmed", interfaceName, pending.RevertAt);
            return pending;
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>Keeps the pending change (the caller reached the portal through it). False when nothing waits.</summary>
    public bool Confirm()
    {
        lock (_gate)
        {
            if (_pending is not { } pending) return false;
            _pending = null;
            _timer?.Dispose();
            _timer = null;
            log.LogInformation("Network settings of {Interface} confirmed", pending.Interface);
            return true;
        }
    }

    /// <summary>Reverts the pending change now (the user asked). <c>not-found</c> when nothing waits.</summary>
    public async Task<Result<string>> RevertAsync(CancellationToken ct)
    {
        await _applying.WaitAsync(ct);
        try
        {
            var pending = Take(null);
            if (pending is null) return Result<string>.Fail("not-found", "no network change waits for confirmation");
            return await RestoreAsync(pending, "reverted on request", ct);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>
    /// The timer's work. It takes the pending change only once it holds the apply lock, so a new apply cannot slip in
    /// between and record the trial settings as its "previous"; a confirmation that came first wins.
    /// </summary>
    private async Task RevertUnconfirmedAsync(PendingNetworkChange expected)
    {
        await _applying.WaitAsync();
        try
        {
            var pending = Take(expected);
            if (pending is null) return; // confirmed or reverted meanwhile
            await RestoreAsync(pending, "not confirmed within " + RevertAfter.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s, reverted", CancellationToken.None);
        }
        finally
        {
            _applying.Release();
        }
    }

    private PendingNetworkChange? Take(PendingNetworkChange? expected)
    {
        lock (_gate)
        {
            if (_pending is null || expected is not null && !ReferenceEquals(_pending, expected)) return null;
            var pending = _pending;
            _pending = null;
            _timer?.Dispose();
            _timer = null;
            return pending;
        }
    }

    /// <summary>
    /// Applies the previous settings again (the caller holds the apply lock); the outcome is kept for the status and
    /// logged (the timer has no caller to tell).
    /// </summary>
    private async Task<Result<string>> RestoreAsync(PendingNetworkChange pending, string why, CancellationToken ct)
    {
        var restored = await network.ApplyAsync(pending.Interface, pending.Previous, ct);
        var message = restored.IsOk
            ? $"{pending.Interface}: {why}; the previous settings are back"
            : $"{pending.Interface}: {why}, but restoring the previous settings failed: {restored.Failure}";
        lock (_gate) _lastRevert = $"{time.GetUtcNow():u} {message}";
        if (restored.IsOk) log.LogWarning("Network settings {Message}", message);
        else log.LogError("Network settings {Message}", message);
        return restored.IsOk ? message : Result<string>.Fail(restored.Failure!.Code, message);
    }

    public void Dispose()
    {
        lock (_gate) _timer?.Dispose();
        _applying.Dispose();
    }
}
