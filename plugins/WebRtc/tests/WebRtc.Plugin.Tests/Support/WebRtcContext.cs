using Appliance.Abstractions;
using Appliance.Streams;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.WebRtc.Plugin.Tests.Support;

/// <summary>The shared plugin-context double as the WebRTC plugin needs it: a real stream hub, the media UDP range on loopback, host settings.</summary>
internal static class WebRtcContext
{
    public static PluginContextDouble Create(string configJson, StreamHub hub) =>
        new(configJson, pluginId: "appliance.webrtc")
        {
            StreamHub = hub,
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Udp, 52000, 52999, "media")]),
            Settings = new HostSettingsDouble(),
        };

    /// <summary>The ports the plugin bound.</summary>
    public static IReadOnlyList<int> BoundPorts(this PluginContextDouble context) => ((LoopbackSocketsDouble)context.DeclaredSockets!).BoundPorts;
}
