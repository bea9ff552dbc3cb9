using System.Collections.Concurrent;
using Appliance.Abstractions;

namespace Appliance.Host.Health;

/// <summary>
/// Latest health report per (owner, component). Owners are plugin ids or host services. A component whose state
/// changes is logged (a warning when it becomes degraded or unhealthy, with its message; information when it is healthy
/// again or cleared), so the journal says which component makes the host unhealthy and why.
/// </summary>
public sealed class HealthRegistry(TimeProvider time, ILogger<HealthRegistry>? log = null)
{
    private readonly ConcurrentDictionary<(string Owner, string Component), HealthReport> _reports = new();

    public void Report(string owner, string component, HealthState state, string message)
    {
        var report = new HealthReport(component, state, message, time.GetUtcNow());
        var before = _reports.TryGetValue((owner, component), out var old) ? old.State : HealthState.Healthy;
        _reports[(owner, component)] = report;
        if (state == before) return;
        if (state == HealthState.Healthy)
            log?.LogInformation("Health: {Owner}/{Component} healthy again", owner, component);
        else
            log?.LogWarning("Health: {Owner}/{Component} {State}: {Message}", owner, component, state.ToString().ToLowerInvariant(), message);
    }

    public void Clear(string owner, string component)
    {
        if (_reports.TryRemove((owner, component), out var old) && old.State != HealthState.Healthy)
            log?.LogInformation("Health: {Owner}/{Component} healthy again (cleared)", owner, component);
    }

    public void ClearOwner(string owner)
    {
        foreach (var key in _reports.Keys.Where(k => k.Owner == owner).ToArray())
            _reports.TryRemove(key, out _);
    }

    public IReadOnlyList<OwnedHealthReport> All() =>
        _reports.Select(kv => new OwnedHealthReport(kv.Key.Owner, kv.Value))
            .OrderBy(r => r.Owner, StringComparer.Ordinal)
            .ThenBy(r => r.Report.Component, StringComparer.Ordinal)
            .ToList();

    public HealthState Overall() =>
        _reports.Values.Select(r => r.State).DefaultIfEmpty(HealthState.Healthy).Max();
}

public sealed record OwnedHealthReport(string Owner, HealthReport Report);

/// <summary>
/// The <see cref="IHealthReporter"/> a plugin gets: reports under its own id, and tells the plugin manager when the
/// plugin calls itself unhealthy (a new version doing so within the swap grace period is rolled back).
/// </summary>
internal sealed class PluginHealthReporter(HealthRegistry registry, string owner, Action<string, string>? onUnhealthy = null) : IHealthReporter
{
    public void Report(string component, HealthState state, string message)
    {
        registry.Report(owner, component, state, message);
        if (state == HealthState.Unhealthy) onUnhealthy?.Invoke(component, message);
    }

    public void Clear(string component) => registry.Clear(owner, component);
}
