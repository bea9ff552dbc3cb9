using Appliance.Streams;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>The shared plugin-context double as the media plugin needs it: the real <see cref="StreamHub"/> and a camera list.</summary>
internal static class MediaContext
{
    public static PluginContextDouble Create(string configJson = "{}") =>
        new(configJson, pluginId: "appliance.media") { StreamHub = new StreamHub(), CameraDirectory = new CamerasDouble() };

    /// <summary>Sets the camera list to cameras with these ids (enabled, no URIs).</summary>
    public static void SetCameras(this PluginContextDouble context, params string[] ids) =>
        ((CamerasDouble)context.CameraDirectory!).Set([.. ids.Select(CamerasDouble.Named)]);
}
