using Appliance.Abstractions;
using Appliance.Core;
using Appliance.Core.Network;
using Appliance.Host.Cameras;

namespace Appliance.Host.Network;

/// <summary>
/// The bandwidth planner (F# core) fed from this appliance: a starting input built from the configured cameras
/// and their measured stream health, and plans from JSON input. Used by the API and the portal.
/// </summary>
public static class BandwidthPlanner
{
    /// <summary>The starting input: every enabled camera, measured fps/bitrate/GOP/codec where known, a typical camera's otherwise.</summary>
    public static Bandwidth.SitePlanInput Defaults(CameraStore cameras)
    {
        var observations = cameras.List()
            .Where(c => c.Enabled)
            .Select(c => Observe(c, cameras.Health(c.Id)));
        return NetworkFacade.DefaultPlanInput(observations);
    }

    /// <summary>What the planner is told about one camera; measured values only when the stream has produced frames.</summary>
    public static BandwidthDefaults.CameraObservation Observe(CameraInfo camera, StreamHealth? health)
    {
        var measured = health is { Fps: > 0 } ? health : null;
        return NetworkFacade.Observation(
            camera.Name,
            measured?.Fps,
            measured is { BitrateKbps: > 0 } ? measured.BitrateKbps : null,
            measured is { KeyframeIntervalSeconds: > 0 } ? measured.KeyframeIntervalSeconds : null,
            health?.Codec,
            health?.Width,
            health?.Height);
    }

    /// <summary>The plan for a JSON input, or <see cref="Failure.Invalid"/> with every error and its path.</summary>
    public static Result<Bandwidth.SitePlan> Plan(string json) => NetworkFacade.Plan(json);
}
