using System.Reflection;
using System.Runtime.Loader;
using Appliance.Abstractions;

namespace Appliance.PluginHost;

/// <summary>
/// Loads a plugin's entry assembly and its dependencies from its folder; the contract (Appliance.Abstractions) comes
/// from this process, as in the host, so the plugin's IPlugin is our IPlugin. One plugin per process: not collectible.
/// </summary>
internal sealed class PluginAssemblyContext(string entryPath) : AssemblyLoadContext("plugin", isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(entryPath);

    public IPlugin CreatePlugin()
    {
        var assembly = LoadFromAssemblyPath(entryPath);
        var types = assembly.GetExportedTypes()
            .Where(t => typeof(IPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToArray();
        if (types.Length != 1)
            throw new InvalidOperationException($"{Path.GetFileName(entryPath)} has {types.Length} public classes implementing IPlugin; exactly one is allowed");
        return (IPlugin)Activator.CreateInstance(types[0])!;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == typeof(IPlugin).Assembly.GetName().Name) return null; // shared contract
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
