using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;

namespace Appliance.Abstractions;

/// <summary>Everything a plugin may touch of the world. Handed to <see cref="IPlugin.StartAsync"/>.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's id from its manifest, e.g. <c>appliance.rtsp</c>.</summary>
    string PluginId { get; }

    /// <summary>The plugin's configuration section, validated against its manifest schema, defaults filled in.</summary>
    JsonElement Config { get; }

    IPluginLogger Logger { get; }

    /// <summary>A directory only this plugin writes to; kept across versions and restarts.</summary>
    string DataDirectory { get; }

    IEventBus Events { get; }

    IHealthReporter Health { get; }

    /// <summary>HTTP routes, mounted under <c>/plugins/{id}/</c> behind the portal's authentication.</summary>
    IRouteRegistry Routes { get; }

    /// <summary>Listening sockets, only for ports the manifest declares inbound.</summary>
    IDeclaredSockets Sockets { get; }

    /// <summary>Media streams by name: one publisher, many subscribers.</summary>
    IStreamHub Streams { get; }

    /// <summary>The camera inventory (read, plus what a plugin learns about a camera).</summary>
    ICameraDirectory Cameras { get; }

    /// <summary>
    /// Runs a long-lived background loop owned by the host: cancelled at stop, awaited within the stop
    /// timeout; if it throws, the plugin is quarantined with that error. Use it instead of fire-and-forget tasks.
    /// </summary>
    void RunBackground(string name, Func<CancellationToken, Task> loop);

    /// <summary>The host's clock (tests may move it).</summary>
    TimeProvider Time { get; }
}
