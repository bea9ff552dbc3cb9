using System.Reflection;
using System.Runtime.CompilerServices;
using Appliance.Abstractions;
using McMaster.NETCore.Plugins;

namespace Appliance.Host.Plugins;

/// <summary>
/// McMaster.NETCore.Plugins with collectible contexts. The contract assembly (Abstractions) is shared
/// with every plugin, or casts across contexts would fail.
/// </summary>
public sealed class McMasterPluginLoader : IPluginAssemblyLoader
{
    private static readonly Type[] SharedTypes = [typeof(IPlugin), typeof(Appliance.Abstractions.Events.IEventBus)];

    public ILoadedPluginAssembly Load(string directory, string entryAssembly)
    {
        var path = Path.Combine(directory, entryAssembly);
        if (!File.Exists(path))
            throw new PluginLoadException($"entry assembly {entryAssembly} not found in {directory}");
        var loader = PluginLoader.CreateFromAssemblyFile(
            path,
            isUnloadable: true,
            sharedTypes: SharedTypes,
            configure: config =>
            {
                config.PreferSharedTypes = true;
                config.LoadInMemory = true;
            });
        return Create(loader, entryAssembly);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LoadedAssembly Create(PluginLoader loader, string entryAssembly)
    {
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            var types = assembly.GetExportedTypes()
                .Where(t => typeof(IPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToArray();
            var pluginType = types.Length switch
            {
                1 => types[0],
                0 => throw new PluginLoadException($"{entryAssembly} has no public class implementing IPlugin (is Appliance.Abstractions shared, not copied next to the plugin?)"),
                _ => throw new PluginLoadException($"{entryAssembly} has {types.Length} classes implementing IPlugin; exactly one is allowed"),
            };
            if (pluginType.GetConstructor(Type.EmptyTypes) is null)
                throw new PluginLoadException($"{pluginType.FullName} needs a public parameterless constructor");
            var contextRef = new WeakReference(System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly));
            return new LoadedAssembly(loader, pluginType, contextRef);
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }

    private sealed class LoadedAssembly(PluginLoader loader, Type pluginType, WeakReference contextReference) : ILoadedPluginAssembly
    {
        private PluginLoader? _loader = loader;
        private Type? _pluginType = pluginType;

        public WeakReference ContextReference { get; } = contextReference;

        public IPlugin CreateInstance()
        {
            var type = _pluginType ?? throw new ObjectDisposedException(nameof(LoadedAssembly));
            try
            {
                return (IPlugin)Activator.CreateInstance(type)!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw new PluginLoadException($"{type.FullName} constructor threw: {ex.InnerException.Message}", ex.InnerException);
            }
        }

        public void Dispose()
        {
            _pluginType = null;
            Interlocked.Exchange(ref _loader, null)?.Dispose();
        }
    }
}

public sealed class PluginLoadException(string message, Exception? inner = null) : Exception(message, inner);
