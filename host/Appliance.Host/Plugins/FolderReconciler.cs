using Appliance.Abstractions.Events;
using Appliance.Host.Health;

namespace Appliance.Host.Plugins;

/// <summary>
/// Reconciliation of folders: makes what runs match the installed tree, at start-up and whenever the folders
/// change on disk (a new folder starts, a changed one is hot-swapped, a removed one stops). The caller holds
/// the manager's operation queue.
/// </summary>
internal sealed class FolderReconciler(PluginFolders folders, PluginSlots slots, PluginActivator activator, HealthRegistry health)
{
    /// <summary>
    /// At start nothing runs yet: removes every runtime copy an earlier run left (a host killed while starting
    /// never reached the cleanup below, and each start copies every plugin again), activates every installed
    /// folder, then removes runtime copies no running version uses.
    /// </summary>
    public async Task ActivateAllAsync()
    {
        folders.CleanRuntime(new HashSet<string>());
        foreach (var folder in folders.InstalledFolders())
            await activator.ActivateFolderAsync(Path.GetFileName(folder), folder, reason: "start");
        folders.CleanRuntime(slots.All().Where(s => s.Active is not null).Select(s => s.Active!.RuntimeFolder).ToHashSet());
    }

    /// <summary>Compares installed folders with what runs: new, changed (hot swap) and removed folders.</summary>
    public async Task ReconcileAsync()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders.InstalledFolders())
        {
            var id = Path.GetFileName(folder);
            present.Add(id);
            await activator.ActivateFolderAsync(id, folder, reason: "folder changed");
        }
        foreach (var slot in slots.All().Where(s => !present.Contains(s.Id)))
        {
            await activator.StopActiveAsync(slot, PluginState.Disabled);
            slots.Remove(slot.Id);
            health.ClearOwner(slot.Id);
            activator.Publish(new PluginStateChanged(slot.Id, PluginActivator.ManifestVersion(slot), "removed", "its folder was removed from disk"));
        }
    }
}
