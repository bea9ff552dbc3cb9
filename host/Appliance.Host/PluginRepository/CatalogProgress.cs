using System.Collections.Concurrent;

namespace Appliance.Host.PluginRepository;

/// <summary>Where an install from the catalog is: <c>downloading</c>, <c>installing</c>, <c>done</c> or <c>failed</c>.</summary>
public sealed record InstallProgress(string Id, string Version, string Stage, long Received, long Total, string? Message, DateTimeOffset At);

/// <summary>The latest progress of each plugin's install from the catalog, for the API and the portal.</summary>
public sealed class CatalogProgress(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, InstallProgress> _items = new(StringComparer.Ordinal);

    public void Set(string id, string version, string stage, long received, long total, string? message = null) =>
        _items[id] = new InstallProgress(id, version, stage, received, total, message, time.GetUtcNow());

    public IReadOnlyList<InstallProgress> All() => _items.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
}
