using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Core.Network;
using Appliance.Firewall;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;
using Appliance.Core;

namespace Appliance.Host.Network;

/// <summary>What the firewall is doing: the last compile and apply, and whether an apply waits for confirmation.</summary>
public sealed record FirewallStatus(
    bool Enforced,
    IReadOnlyList<string> Errors,
    string? Ruleset,
    DateTimeOffset? LastAppliedAt,
    string? LastResult,
    string? LastMessage,
    bool AwaitingConfirmation,
    string? FailClosedReason = null)
{
    /// <summary>The ruleset this appliance last loaded (null: none since it started), to show what an apply changes.</summary>
    public string? InForce { get; init; }

    /// <summary>What the ruleset does not open and why, in full (the warnings of the page).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The addresses management ports (portal, API) accept after an apply; empty: any source but cameras.</summary>
    public IReadOnlyList<string> ManagementSources { get; init; } = [];
}

/// <summary>
/// Compiles the appliance's nftables table from the zones and the footprint of what is loaded (F# core),
/// and applies it atomically when enforcement is on (<c>nft -c</c>, then <c>nft -f</c>). An apply asked for
/// by a user must be confirmed (the portal confirms from the browser) or it is rolled back.
/// </summary>
public sealed class FirewallService(IOptions<ApplianceOptions> options, PluginManager plugins, Health.HealthRegistry health, TimeProvider time, ILogger<FirewallService> log)
{
    public const string HealthOwner = "appliance.host";
    public const string HealthComponent = "firewall";
    private readonly object _gate = new();
    private string? _failClosedReason;
    private TaskCompletionSource<bool>? _confirmation;
    private (DateTimeOffset At, ApplyResult Result)? _last;
    private string? _inForce;

    private FirewallOptions Settings => options.Value.Network.Firewall;

    public NftablesApplier Applier() => new(new NftOptions { NftPath = Settings.NftPath });

    /// <summary>The ruleset for what runs now, or every error (zones, collisions) naming its culprit.</summary>
    public Result<string> Compile() => NetworkFacade.CompileFirewall(Zones(), plugins.Footprint());

    private JsonElement Zones() => Settings.Zones is { ValueKind: JsonValueKind.Object } z ? z : JsonDocument.Parse("{}").RootElement;

    public FirewallStatus Status()
    {
        var compiled = Compile();
        var notes = NetworkFacade.FirewallNotes(Zones(), plugins.Footprint());
        var policy = NetworkFacade.ZonePolicy(Zones());
        lock (_gate)
        {
            return new FirewallStatus(Settings.Enforce, compiled.Failure?.Errors ?? [], compiled.IsOk ? compiled.Value : null, _last?.At, _last?.Result.Status.ToString(), _last?.Result.Message,
                _confirmation is { Task.IsCompleted: false }, _failClosedReason)
            {
                InForce = _inForce,
                Notes = notes.IsOk ? notes.Value : [],
                ManagementSources = policy.IsOk ? policy.Value.ManagementSources.Select(c => c.ToString()).ToList() : [],
            };
        }
    }

    /// <summary>
    /// Applies the current ruleset. With <paramref name="requireConfirmation"/>, it is rolled back unless
    /// <see cref="Confirm"/> is called within the configured time.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(bool requireConfirmation, CancellationToken ct)
    {
        if (!Settings.Enforce)
            return Record(new ApplyResult(ApplyStatus.Rejected, "firewall enforcement is off in this configuration (appliance.network.firewall.enforce); the ruleset is only shown"));
        if (!Compile().TryGetValue(out var ruleset, out var invalid))
            return await FailClosedAsync("the firewall configuration is invalid: " + string.Join("; ", invalid.Errors), ct);
        Func<CancellationToken, Task<bool>>? confirm = null;
        if (requireConfirmation)
        {
            var pending = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate) _confirmation = pending;
            confirm = async token =>
            {
                await pending.Task.WaitAsync(token);
                return pending.Task.Result;
            };
        }
        var result = await Applier().ApplyAsync(ruleset, confirm, TimeSpan.FromSeconds(Settings.ConfirmTimeoutSeconds), ct);
        lock (_gate)
        {
            _confirmation = null;
            if (result.Succeeded) _inForce = ruleset;
        }
        if (result.Status == ApplyStatus.Rejected && !requireConfirmation)
            return await FailClosedAsync("the ruleset could not be applied: " + result.Message, ct);
        if (result.Succeeded) Healthy();
        return Record(result);
    }

    /// <summary>
    /// Fail closed: no valid ruleset can be in force, so the minimal safe one is (<see cref="SafeRuleset"/>), and
    /// the appliance reports itself unhealthy with the reason until a valid ruleset is applied.
    /// </summary>
    private async Task<ApplyResult> FailClosedAsync(string reason, CancellationToken ct)
    {
        var o = options.Value;
        var sources = new Auth.SourceAddresses(options);
        var safe = SafeRuleset.Build(sources.Networks, [o.Http.HttpsPort, o.Http.HttpPort]);
        var applied = await Applier().ApplyAsync(safe, null, TimeSpan.FromSeconds(Settings.ConfirmTimeoutSeconds), ct);
        var message = applied.Succeeded
            ? $"fail closed: {reason}; only the management ports are open, from management sources"
            : $"fail closed: {reason}; the safe ruleset could not be applied either: {applied.Message}";
        lock (_gate)
        {
            _failClosedReason = message;
            if (applied.Succeeded) _inForce = safe;
        }
        health.Report(HealthOwner, HealthComponent, Appliance.Abstractions.HealthState.Unhealthy, message);
        log.LogError("Firewall {Message}", message);
        return Record(new ApplyResult(ApplyStatus.Rejected, message));
    }

    private void Healthy()
    {
        lock (_gate) _failClosedReason = null;
        health.Report(HealthOwner, HealthComponent, Appliance.Abstractions.HealthState.Healthy, "the configured ruleset is in force");
    }

    /// <summary>
    /// Outbound allowlist mode: resolves the FQDNs of the footprint into the ruleset's address sets (addresses
    /// change; the names in the footprint do not). A name that does not resolve is an error naming it; the
    /// other sets are still updated and its set keeps its old addresses.
    /// </summary>
    public async Task<FqdnRefreshResult> RefreshFqdnSetsAsync(CancellationToken ct)
    {
        var zones = Settings.Zones is { ValueKind: JsonValueKind.Object } z ? z : JsonDocument.Parse("{}").RootElement;
        var sets = NetworkFacade.FqdnSets(zones, plugins.Footprint());
        if (!sets.IsOk) return new FqdnRefreshResult([], sets.Failure!.Errors);
        if (sets.Value.Length == 0) return new FqdnRefreshResult([], []);
        var result = await new FqdnSetRefresher(new NftOptions { NftPath = Settings.NftPath }, FqdnSetRefresher.SystemResolver).RefreshAsync(sets.Value, ct);
        foreach (var error in result.Errors) log.LogWarning("Firewall FQDN sets: {Error}", error);
        return result;
    }

    /// <summary>Confirms a pending apply: the caller reached the portal through the new ruleset.</summary>
    public bool Confirm()
    {
        lock (_gate) return _confirmation?.TrySetResult(true) ?? false;
    }

    private ApplyResult Record(ApplyResult result)
    {
        lock (_gate) _last = (time.GetUtcNow(), result);
        if (result.Succeeded) log.LogInformation("Firewall: {Message}", result.Message);
        else log.LogWarning("Firewall {Status}: {Message}", result.Status, result.Message);
        return result;
    }
}

/// <summary>At start, and whenever a plugin starts or stops, re-applies the ruleset (when enforcement is on).</summary>
public sealed class FirewallEnforcer(FirewallService firewall, Events.OutboxEventBus bus, IOptions<ApplianceOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Network.Firewall;
        if (!settings.Enforce) return;
        if ((await firewall.ApplyAsync(requireConfirmation: false, stoppingToken)).Succeeded)
            await firewall.RefreshFqdnSetsAsync(stoppingToken);
        await using var subscription = bus.Subscribe("appliance.host/firewall", [nameof(Appliance.Abstractions.Events.PluginStateChanged)],
            async (_, ct) =>
            {
                if ((await firewall.ApplyAsync(requireConfirmation: false, ct)).Succeeded)
                    await firewall.RefreshFqdnSetsAsync(ct);
            });
        // Outbound allowlist: names move to new addresses; refresh the sets on a schedule.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(30, settings.FqdnRefreshSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await firewall.RefreshFqdnSetsAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
