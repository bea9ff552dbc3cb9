using Appliance.Core.Network;

namespace Appliance.Host.Plugins;

/// <summary>
/// The plugin ids the host tracks, one <see cref="PluginSlot"/> each, shared by the plugin manager's pieces
/// (<see cref="PluginActivator"/>, <see cref="FolderReconciler"/>, <see cref="PluginManager"/>). Thread-safe;
/// the slots themselves are changed only by an operation that holds the manager's queue.
/// </summary>
internal sealed class PluginSlots
{
    private readonly Dictionary<string, PluginSlot> _slots = new(StringComparer.Ordinal);

    public PluginSlot GetOrAdd(string id)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(id, out var slot)) _slots[id] = slot = new PluginSlot(id);
            return slot;
        }
    }

    public PluginSlot? Find(string id)
    {
        lock (_slots) return _slots.GetValueOrDefault(id);
    }

    public void Remove(string id)
    {
        lock (_slots) _slots.Remove(id);
    }

    /// <summary>Every slot at this moment, ordered by id.</summary>
    public PluginSlot[] All()
    {
        lock (_slots) return _slots.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The footprint entries of every plugin that is running or about to run.</summary>
    public IReadOnlyList<ResolvedEntry> RunningFootprint() =>
        All().Where(s => s.State is PluginState.Running or PluginState.Starting).SelectMany(s => s.Footprint).ToList();

    /// <summary>As <see cref="RunningFootprint"/>, with entries their configuration switches off (whenKey).</summary>
    public IReadOnlyList<ResolvedEntry> RunningDeclaredFootprint() =>
        All().Where(s => s.State is PluginState.Running or PluginState.Starting).SelectMany(s => s.DeclaredFootprint).ToList();
}
