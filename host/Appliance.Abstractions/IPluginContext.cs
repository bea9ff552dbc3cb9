using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;

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

    // ---- HostApi 1.1 (a plugin that uses these declares "hostApi": "1.1"). The defaults exist only so that test
    // doubles written against 1.0 keep compiling; the host implements every member.

    /// <summary>HTTP routes with headers, streamed bodies, declared access and absolute paths (HostApi 1.1).</summary>
    IHttpSurface Http => throw new NotSupportedException("IPluginContext.Http needs HostApi 1.1");

    /// <summary>The appliance's network settings, read-only (HostApi 1.1).</summary>
    IHostSettings HostSettings => throw new NotSupportedException("IPluginContext.HostSettings needs HostApi 1.1");

    /// <summary>This plugin's secrets, sealed with the host key (HostApi 1.1).</summary>
    IPluginSecrets Secrets => throw new NotSupportedException("IPluginContext.Secrets needs HostApi 1.1");

    /// <summary>The appliance's users, for plugins that authenticate protocol clients (HostApi 1.1).</summary>
    IUserVerifier Users => throw new NotSupportedException("IPluginContext.Users needs HostApi 1.1");

    /// <summary>Prometheus metrics with this plugin's label (HostApi 1.1).</summary>
    IPluginMetrics Metrics => throw new NotSupportedException("IPluginContext.Metrics needs HostApi 1.1");

    /// <summary>Event types by name with a JSON schema; publish and subscribe without typed records (HostApi 1.1).</summary>
    INamedEvents NamedEvents => throw new NotSupportedException("IPluginContext.NamedEvents needs HostApi 1.1");

    /// <summary>Bytes this plugin sent off the site, per category, for data-use accounting (HostApi 1.1).</summary>
    IDataUse DataUse => throw new NotSupportedException("IPluginContext.DataUse needs HostApi 1.1");
}
