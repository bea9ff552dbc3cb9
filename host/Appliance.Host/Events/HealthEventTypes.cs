using System.Collections.Frozen;
using Appliance.Abstractions.Events;

namespace Appliance.Host.Events;

/// <summary>
/// The events that move what every role sees of the appliance's health (a camera's stream, a plugin's state, the
/// system's samples): what the overview and the health badge follow live, and all a viewer's event stream carries.
/// </summary>
public static class HealthEventTypes
{
    public static readonly IReadOnlyList<string> Cameras =
        [nameof(StreamHealthMeasured), nameof(CameraWentOnline), nameof(CameraWentOffline), nameof(StreamGapOccurred)];

    public static readonly IReadOnlyList<string> System = [nameof(SystemHealthSampled), nameof(PluginStateChanged)];

    public static readonly FrozenSet<string> All = Cameras.Concat(System).ToFrozenSet(StringComparer.Ordinal);
}
