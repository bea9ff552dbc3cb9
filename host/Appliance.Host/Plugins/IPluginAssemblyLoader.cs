using Appliance.Abstractions;

namespace Appliance.Host.Plugins;

/// <summary>
/// Loads a plugin's entry assembly into its own collectible context. Behind an interface so the
/// McMaster implementation could be replaced by a raw <see cref="System.Runtime.Loader.AssemblyLoadContext"/>.
/// </summary>
public interface IPluginAssemblyLoader
{
    ILoadedPluginAssembly Load(string directory, string entryAssembly);
}

public interface ILoadedPluginAssembly : IDisposable
{
    /// <summary>A new instance of the single public <see cref="IPlugin"/> type of the entry assembly.</summary>
    IPlugin CreateInstance();

    /// <summary>A weak reference to the load context: collected once the plugin is really unloaded.</summary>
    WeakReference ContextReference { get; }
}
